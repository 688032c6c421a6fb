#pragma once

#include "geo/store/park_import.h"
#include "geo/issue.h"
#include "app/render/layer_snapshot.h"

#include <QDateTime>
#include <QDialog>
#include <QFutureWatcher>
#include <QString>
#include <QStringList>
#include <QTimer>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTabWidget;
class QTableWidget;

namespace parkatlas::desktop {

class MapCanvas;

/// What a plan run on a worker gave: the plan (null when it failed), its issues, the preview
/// styled by role, and the error or cancellation.
struct ImportPlanOutcome {
    std::shared_ptr<const geo::ImportPlan> plan;
    std::vector<geo::Issue> issues;
    std::vector<render::LayerSnapshot> preview;
    geo::Crs previewCrs;
    QString error;
    bool cancelled = false;
};

/// What a build run on a worker gave: the report (as far as it got), its issues, whether the
/// park was written, and the error or cancellation.
struct ImportBuildOutcome {
    geo::ImportReport report;
    std::vector<geo::Issue> issues;
    bool written = false;
    QString error;
    bool cancelled = false;
};

/// File > Import Park… (导入园区…): `parkatlas import` with a face. The user adds sources
/// (drawings, GeoPackages, shapefile folders, File and Personal Geodatabases, VCT) and ledgers
/// to join; every source layer is listed with the role the importer proposes and why, its
/// fields and where they go, and for drawings the texts found and the plot each labels (or why
/// none); the map shows the park that would be built. Roles (or "leave out") and field mappings
/// are changed in the table, the CRS of drawings is chosen (zones proposed from their
/// coordinates, as the CLI does), then Build writes the park GeoPackage on a worker, with
/// progress and Cancel, shows the same report as the CLI (savable as JSON) and offers to open
/// the park.
///
/// Planning and building are geo::planImport and geo::importPark, the CLI's own path: the
/// choices made here become ImportMapping::exact rules (geo::ruleFor), so the same choice on
/// the command line (a --mapping file) builds the same park. Nothing is read or written on the
/// GUI thread.
class ImportDialog : public QDialog {
    Q_OBJECT
public:
    /// The columns of layersTable().
    enum LayerColumn {
        kSourceColumn,
        kLayerColumn,
        kFeaturesColumn,
        kRoleColumn,
        kFieldsColumn,
        kTextsColumn,
        kReasonColumn,
        kLayerColumns
    };

    explicit ImportDialog(QWidget* parent = nullptr);
    ~ImportDialog() override;

    /// Adds sources (files or folders: a shapefile folder, a .gdb) and plans again.
    void addSources(const QStringList& paths);
    QStringList sources() const;
    /// A ledger (XLSX, XLS, CSV) to join onto the built park by `key` (parcel_id, owner,
    /// credit_code), its key column `column` ("": found by the key's names).
    void addJoin(const QString& table, const QString& key, const QString& column = {});
    /// The CRS of sources without one (every drawing): "EPSG:4547"; plans again.
    void setSourceCrs(const QString& definition);
    QString sourceCrs() const;
    void setOutputPath(const QString& path);
    QString outputPath() const;

    /// The plan shown (null before the first finishes, or when it failed).
    const geo::ImportPlan* plan() const { return m_plan.get(); }
    bool isPlanning() const;
    bool isBuilding() const;
    /// The row of the layers table showing layer `layer` of dataset `source`, or -1.
    int layerRow(const QString& source, const QString& layer) const;
    /// Gives row `row` of the layers table the role `role` (nullopt: leave the layer out), as
    /// its role box does, and plans again.
    void setLayerRole(int row, std::optional<geo::Role> role);
    /// Sets where row `row`'s fields go (source field → target, "" drops it), as the Field
    /// Mapping dialog does, and plans again.
    void setLayerFields(int row, const std::vector<std::pair<std::string, std::string>>& fields);
    /// Opens the Field Mapping dialog for row `row` (a layer of a GIS source); returns at once.
    void editLayerFields(int row);

    /// What Build runs with: the sources, the CRS, the choices as exact mapping rules, the
    /// joins, the output (overwrite false; Build asks).
    geo::ImportOptions buildOptions() const;

    /// Starts the build (asks first when the output exists). Returns at once.
    void build();
    /// Stops the running plan or build; a build cancelled leaves no output.
    void cancel();
    /// The last build's report (nullopt before one ended).
    const std::optional<geo::ImportReport>& lastReport() const { return m_lastReport; }
    /// Writes the last report as JSON (what `parkatlas import --report` writes), atomically.
    /// False with a message box when it cannot.
    bool saveReport(const QString& path);

    QListWidget* sourceList() const { return m_sourceList; }
    QTableWidget* joinsTable() const { return m_joinsTable; }
    QTableWidget* layersTable() const { return m_layersTable; }
    QTableWidget* textsTable() const { return m_textsTable; }
    MapCanvas* preview() const { return m_preview; }
    QPushButton* buildButton() const { return m_buildButton; }
    QPushButton* cancelButton() const { return m_cancelButton; }
    QPushButton* openButton() const { return m_openButton; }
    QPushButton* saveReportButton() const { return m_saveReportButton; }
    QProgressBar* progressBar() const { return m_progress; }
    QPlainTextEdit* reportView() const { return m_reportView; }
    QListWidget* messageList() const { return m_messages; }
    QLabel* crsNote() const { return m_crsNote; }

signals:
    /// A plan finished (plan() is it) or failed (plan() null, the messages say why).
    void planFinished();
    /// A build ended: `written` when the park is in place.
    void buildFinished(bool written);
    /// The user asked to open the built park in the viewer.
    void openParkRequested(const QString& path);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    /// What the user chose for one layer, kept across plans.
    struct Choice {
        bool roleSet = false;
        std::optional<geo::Role> role;
        bool fieldsSet = false;
        std::vector<std::pair<std::string, std::string>> fields;
    };
    using LayerKey = std::pair<std::string, std::string>; // dataset path, layer name

    void addFilesDialog();
    void addFolderDialog();
    void addJoinDialog();
    void chooseOutput();
    void chooseCrs();
    /// Plans again after a short pause (the choices come in bursts).
    void schedulePlan();
    void startPlan();
    void onPlanFinished();
    void onBuildFinished();
    void showPlan();
    void showTexts();
    void showMessages(const std::vector<geo::Issue>& issues, const QString& error);
    void updateButtons();
    void applyChoice(const LayerKey& key, Choice choice);
    geo::ImportOptions planOptions() const;
    std::vector<geo::JoinSpec> joinSpecs() const;
    const geo::ImportedLayer* plannedLayer(int row) const;

    QListWidget* m_sourceList;
    QTableWidget* m_joinsTable;
    QTableWidget* m_layersTable;
    QTableWidget* m_textsTable;
    QTabWidget* m_tabs;
    QListWidget* m_messages;
    QPlainTextEdit* m_reportView;
    MapCanvas* m_preview;
    QLineEdit* m_crsEdit;
    QLabel* m_crsNote;
    QLineEdit* m_outputEdit;
    QLabel* m_status;
    QProgressBar* m_progress;
    QPushButton* m_buildButton;
    QPushButton* m_cancelButton;
    QPushButton* m_saveReportButton;
    QPushButton* m_openButton;
    QTimer m_planTimer;

    QFutureWatcher<ImportPlanOutcome> m_planWatcher;
    QFutureWatcher<ImportBuildOutcome> m_buildWatcher;
    std::shared_ptr<const geo::ImportPlan> m_plan;
    std::map<LayerKey, Choice> m_choices;
    /// What the importer proposed for each layer before any choice of the user's (its kind
    /// and fields), from the first plan that showed it unchanged.
    std::map<LayerKey, geo::ImportedLayer> m_proposals;
    std::optional<geo::ImportReport> m_lastReport;
    QString m_builtPath;
    QDateTime m_buildStarted;
    bool m_filling = false; // the tables are being refilled: their signals are not the user's
};

} // namespace parkatlas::desktop
