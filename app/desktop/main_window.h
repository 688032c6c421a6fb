#pragma once

#include "app/desktop/park_project.h"
#include "app/desktop/source_loader.h"

#include <QFutureWatcher>
#include <QMainWindow>
#include <QPointer>
#include <QStringList>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;

namespace parkatlas::geo {
class ParkSession;
}

namespace parkatlas::desktop {

class AttributeTablePanel;
class AuditPanel;
class ChangesPanel;
class BookmarksDialog;
class CrsDialog;
class EditingUi;
class FindingsPanel;
class FeatureSelection;
class IdentifyPanel;
class LedgerPanel;
class LayersPanel;
struct LocatableLayer;
class MapCanvas;
class RecentFiles;

/// The viewer's window: the map canvas in the middle, the layers on the left, the Identify
/// results on the right, the attribute table and messages (layers left out, bad features,
/// render errors) below, and the cursor position, scale, selection and measurement in the status
/// bar. Sources are read and styled by role on a worker (QtConcurrent); the GUI thread only
/// shows the result.
///
/// A click identifies the features under the pointer and selects the topmost (in the layer
/// picked in the Layers panel, if one is); Ctrl adds; Shift-drag selects by box; Esc clears.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Reads `sources` (files, folders, connection strings) on a worker and shows them as a new
    /// map, replacing the current one; a load still running is cancelled. Returns at once.
    void openSources(const QStringList& sources);
    /// Adds sources to what is open (an orthophoto under the park, another layer): the map is
    /// read again with them, keeping the view. Nothing open yet: the same as openSources().
    void addSources(const QStringList& sources);
    bool isLoading() const;

    MapCanvas* canvas() const { return m_canvas; }
    LayersPanel* layersPanel() const { return m_layersPanel; }
    IdentifyPanel* identifyPanel() const { return m_identifyPanel; }
    AttributeTablePanel* attributeTablePanel() const { return m_attributePanel; }
    FeatureSelection* selection() const { return m_selection; }
    /// The plan check (规划符合性检查) and the idle-land audit (闲置土地审计) of the opened park.
    FindingsPanel* findingsPanel() const { return m_findingsPanel; }
    AuditPanel* auditPanel() const { return m_auditPanel; }
    /// The ledgers (台账) of the opened park, in a dock beside the audit.
    LedgerPanel* ledgerPanel() const { return m_ledgerPanel; }
    /// The changes of the opened park between two dates or against another park (变化).
    ChangesPanel* changesPanel() const { return m_changesPanel; }
    /// File > Open Recent: the sources of the last successful opens.
    RecentFiles* recentFiles() const { return m_recentFiles; }
    /// Every message shown in the messages panel since the last load began.
    QStringList messages() const;
    /// Problems of the last load (sources and layers left out), as geo::Error texts.
    const LoadReport& lastLoad() const { return m_lastLoad; }

    /// Identify at `mapPoint` (map CRS): fills the Identify panel with every feature there,
    /// topmost first, and selects the topmost in the selection's target layers (Ctrl in
    /// `modifiers`: toggles it in the selection instead).
    void identifyAt(QPointF mapPoint, Qt::KeyboardModifiers modifiers = Qt::NoModifier);
    /// Selects the features touching `box` (map CRS) in the target layers (Ctrl: adds), found on
    /// a worker; the selection changes (FeatureSelection::changed) when they are.
    void selectInBox(const geo::Envelope& box, Qt::KeyboardModifiers modifiers = Qt::NoModifier);
    /// The ellipsoidal area in m² of the selected polygon features, summed unrounded.
    double selectedAreaM2() const;
    /// The index (drawing order) of the layer named `name`, or -1.
    int layerIndex(const QString& name) const;

    /// Opens the Field Mapping dialog for layer `index` (non-modal; returns at once).
    void editFieldMapping(int index);
    /// Gives layer `index` the role and field mapping of `binding`: restyles it and saves the
    /// choice in the park's project file (the one opened, else a new one beside the source;
    /// written on a worker, projectSaved tells how it went).
    void applyFieldMapping(int index, const render::RoleBinding& binding);
    /// The locator (the toolbar's Find box): a plot number, owner, batch, zone, case or road name
    /// (the contract's fields through each layer's field mapping; exact matches first, else the
    /// values containing it), or coordinates "x, y" in the map CRS or "longitude, latitude" in
    /// degrees. Zooms to what it finds and selects it; on a worker, locateFinished() follows.
    void locate(const QString& text);
    QLineEdit* locatorEdit() const { return m_locator; }

    /// Set CRS (the Layers panel's menu): asks for the CRS of canvas layer `index` (non-modal;
    /// returns at once); the choice is saved in the project file and the map read again with it.
    void editLayerCrs(int index);
    /// The Set CRS dialog showing now (a layer without a CRS, or Set CRS…), or null.
    CrsDialog* crsDialog() const;
    /// View > Bookmarks: the named views kept in the project file (non-modal; made on first use).
    void showBookmarks();
    /// The Bookmarks dialog, or null before it was first shown.
    BookmarksDialog* bookmarksDialog() const;
    /// A click on row `row` of the ledger shown: selects the features it sums and zooms to them.
    void showLedgerRow(int row);

    /// The project file the map was opened from or last saved to ("" when none).
    const QString& projectPath() const { return m_projectPath; }

    /// Editing (the Edit menu): tools, undo, save, the crash journal.
    EditingUi* editing() const { return m_editing; }
    /// The sources the map shows (the last load that finished).
    const QStringList& openedSources() const { return m_openSources; }
    /// The park the checks read ("" when none is open).
    QString parkSource() const;
    /// The session of that park (null when none is open): the map's park layers, read once,
    /// shared by the panels, the exports and the edit check.
    std::shared_ptr<geo::ParkSession> parkSession() const { return m_parkSession; }
    /// The role of canvas layer `index` (the user's field mapping, else its name's).
    std::optional<geo::Role> roleOf(int index) const;
    /// Shows `layer` (the same layer, edited) as canvas layer `index`, styled as before; the
    /// layer's selection is cleared.
    void replaceLayerData(int index, std::shared_ptr<const geo::Layer> layer);
    /// Reads the open sources again, keeping the view (after a save, to show what is stored).
    void reloadKeepingView();
    /// The layer being edited (-1: none), marked in the Layers panel and window title.
    void setEditedLayer(int index);

protected:
    void closeEvent(QCloseEvent* event) override;

signals:
    /// A load ended (successfully or not) and its layers, if any, are in the canvas.
    void loadFinished();
    /// A load ended and the map shows its first finished render (or there is nothing to draw):
    /// what a screenshot or a test waits for.
    void ready();
    /// A locate() ended: `found` features selected (0: nothing found, or a coordinate shown).
    void locateFinished(int found);
    /// The project file was written (`error` empty) or could not be (`error` says why).
    void projectSaved(const QString& path, const QString& error);

private:
    /// A load reports its progress from 0 to this.
    static constexpr int kLoadProgressSteps = 1000;

    void createActions();
    void openFilesDialog();
    void addFilesDialog();
    /// The file dialogs' filter: the vector formats and orthophotos the viewer opens.
    static QString sourceFilter();
    void openFolderDialog();
    /// File > Import Park…: the Import dialog (non-modal); the park it builds can be opened here.
    void importParkDialog();
    void onLoadFinished();
    /// Reads `sources` as the map with the CRS choices of this session; keeps the view when
    /// `keepView` and the map CRS stays the same.
    void startLoad(const QStringList& sources, bool keepView);
    /// Asks for the CRS of the next layer loaded without one (CrsDialog), if any.
    void askForNextCrs();
    /// Opens the CrsDialog for `layer`; on OK, `definition` goes into its open options, the
    /// project file is saved and the map read again.
    void showCrsDialog(const CrsNeeded& layer, const QString& layerName, const QString& current);
    /// Saves the project file (the layers' roles, mappings, encodings and CRSs, and `extra`
    /// layers the map could not load) on a worker; projectSaved() follows, then `then(ok)`.
    void saveProjectFile(const std::vector<ProjectLayer>& extra,
                         const std::function<void(bool)>& then = {});
    /// The analyses (plan check, audit, ledgers, the edit check) read the park through the
    /// project file from now on, so the field mappings and CRSs saved in it reach them; those
    /// that had results run again.
    void useProjectForAnalyses();
    void setAnalysisSession(std::shared_ptr<geo::ParkSession> session);
    void showCursorPosition(QPointF mapPoint);
    void showScale();
    /// Goes to the scale typed in the scale box ("1:2000", "2000", "1：2 000"), about the
    /// centre of the map; a text that is no scale is put back.
    void applyTypedScale();
    void addMessage(const QString& text);
    void onSelectionChanged();
    void showMeasurement();
    /// Draws the findings of both panels and the selection (on top) over the map.
    void updateOverlay();
    /// Shows `envelope` (map CRS) with a margin around it.
    void zoomTo(geo::Envelope envelope);
    void chooseLanguage(const QString& language);
    /// Layers a selection acts on: the one picked in the Layers panel, else every visible one.
    std::vector<std::size_t> selectionTargets() const;
    /// Visible features at the point, topmost first: (layer, feature).
    std::vector<std::pair<std::size_t, std::size_t>> hitsAt(QPointF mapPoint) const;
    /// The canvas layers with a role (not rasters), with their field mappings: what the locator
    /// and a ledger row search.
    std::vector<LocatableLayer> locatableLayers() const;

    MapCanvas* m_canvas;
    LayersPanel* m_layersPanel;
    IdentifyPanel* m_identifyPanel;
    AttributeTablePanel* m_attributePanel;
    FeatureSelection* m_selection;
    FindingsPanel* m_findingsPanel;
    AuditPanel* m_auditPanel;
    LedgerPanel* m_ledgerPanel;
    ChangesPanel* m_changesPanel;
    RecentFiles* m_recentFiles = nullptr;
    EditingUi* m_editing = nullptr;
    QListWidget* m_messageList;
    QLabel* m_coordinatesLabel;
    QComboBox* m_scaleBox; // editable: type 1:2000 to go to that scale
    QLabel* m_selectionLabel;
    QLabel* m_measureLabel;
    QProgressBar* m_progressBar;
    QFutureWatcher<LoadedMap> m_loadWatcher;
    using BoxSelection = std::map<std::size_t, std::vector<std::uint32_t>>;
    QFutureWatcher<BoxSelection> m_boxSelectWatcher;
    QFutureWatcher<BoxSelection> m_locateWatcher;
    QLineEdit* m_locator = nullptr;
    QStringList m_loadingSources;
    QStringList m_openSources; // what the map shows (the last load that finished)
    // The view to keep when the load that addSources() started finishes (same map CRS only).
    std::optional<std::pair<geo::Envelope, std::string>> m_keepView;
    LoadReport m_lastLoad;
    bool m_waitingForFirstRender = false;
    // Counts the loads started: a big layer's geometry, shown before the load finishes, is
    // shown only while its load is still the latest.
    quint64 m_loadGeneration = 0;
    // Field mapping: the styles of the last load, what each layer is and where it comes from,
    // and the project file the choices are saved in.
    std::shared_ptr<const render::RoleStyleBook> m_styleBook;
    std::map<const geo::Layer*, ProjectLayer> m_projectLayers;
    QString m_projectPath;
    // The park every analysis runs on (made with the map, on the loader's worker).
    std::shared_ptr<geo::ParkSession> m_parkSession;
    // CRSs chosen this session (also saved in the project file when there is one), applied on
    // every reload; layers loaded without a CRS waiting to be asked about.
    std::vector<ProjectLayer> m_sessionOverrides;
    std::vector<CrsNeeded> m_crsQueue;
    QPointer<CrsDialog> m_crsDialog;
    QPointer<BookmarksDialog> m_bookmarksDialog;
};

} // namespace parkatlas::desktop
