#pragma once

#include "app/desktop/analysis_panel.h"
#include "app/render/layer_snapshot.h"
#include "geo/crs/crs.h"
#include "geo/model/geometry_store.h"
#include "geo/rules/finding.h"
#include "geo/rules/findings_total.h"

#include <QColor>
#include <QFuture>
#include <QString>
#include <QStringList>
#include <QTreeWidget>
#include <QWidget>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

class QLineEdit;

namespace parkatlas::geo {
class ParkSession;
}

namespace parkatlas::desktop {

/// Where a finding's geometry lies on the map: which of the overlay layers holds it, its index
/// there and its envelope in the map CRS. `layer` is -1 for a finding without geometry.
struct FindingPlace {
    int layer = -1;
    std::uint32_t feature = 0;
    geo::Envelope envelope;
};

/// What a check run gave, made on the worker: the findings, their geometries read from WKB and
/// reprojected into the map CRS (one layer each for polygons, lines and points, ready to draw),
/// the data problems met on the way, and the error that stopped the run, if one did. Immutable
/// once made; safe to hand from the worker to the GUI thread.
struct FindingsRun {
    std::vector<geo::Finding> findings;
    geo::Crs parkCrs; // the CRS of the findings' WKB (the park's working CRS)
    /// Per rule and overall, each plot counted once (geo::totalsOfFindings), made on the worker.
    geo::FindingsTotals totals;
    std::array<std::shared_ptr<const geo::Layer>, 3> overlayLayers; // polygons, lines, points
    std::vector<FindingPlace> places;                               // per finding
    QStringList issues;
    QString error;
    /// The land-use classification each judged layer was read in, and why (one line each).
    QStringList landUseSystems;
};

/// Reads the findings' WKB (in `parkCrs`) into overlay layers in `mapCrs` (no reprojection when
/// either is empty or both are the same) and totals them (geo::totalsOfFindings, areas by
/// `areaMethod`, the method the findings were measured by). Blocking: run it on the worker that
/// made the findings.
FindingsRun prepareFindings(std::vector<geo::Finding> findings, const geo::Crs& parkCrs,
                            const geo::Crs& mapCrs,
                            geo::AreaMethod areaMethod = geo::AreaMethod::Ellipsoidal);

/// Findings grouped by rule: a row per rule with its count and the 亩 of the land its findings
/// concern (each plot once: geo::totalsOfFindings), under it a row per finding (id, 亩, Chinese
/// reason; the English reason and the clause as tooltip). A filter hides findings whose rule,
/// layer, id and reasons do not contain its text.
class FindingsTree : public QTreeWidget {
    Q_OBJECT
public:
    explicit FindingsTree(QWidget* parent = nullptr);

    /// Replaces the rows. The findings are expected in rule order (as the engines give them);
    /// `totals` are theirs (geo::totalsOfFindings).
    void setFindings(const std::vector<geo::Finding>& findings, const geo::FindingsTotals& totals);
    /// Shows only findings containing `text` (case-insensitive); empty shows all.
    void setFilterText(const QString& text);
    /// The row of finding `index` (index into the findings given), or null.
    QTreeWidgetItem* itemForFinding(int index) const;
    /// The finding index of a row, or -1 for a rule row.
    static int findingIndex(const QTreeWidgetItem* item);

signals:
    /// The current row became finding `index` (-1: a rule row or nothing).
    void findingActivated(int index);
};

/// The plan check (规划符合性检查) as a panel: Run reads the park the window opened and runs the
/// compliance rules on a worker (progress bar, Cancel), lists the findings in a FindingsTree,
/// and draws them as a hatched overlay; choosing a finding zooms to its geometry and highlights
/// it. Export… writes CSV or GeoPackage through geo/rules/findings_io on a worker.
///
/// The idle-land audit (AuditPanel) is the same panel with another job: subclasses override
/// startRun().
class FindingsPanel : public AnalysisPanel {
    Q_OBJECT
public:
    explicit FindingsPanel(QWidget* parent = nullptr);

    /// The park to check (its session, shared with the map and the other panels; null when
    /// none) and the map CRS the findings are drawn in. Forgets the findings of another park,
    /// cancelling a run.
    void setSource(std::shared_ptr<geo::ParkSession> session, const geo::Crs& mapCrs);

    /// True when a run (or a conflict check) has given results that are shown.
    bool hasResults() const { return m_result != nullptr; }
    /// The findings of the last finished run.
    const std::vector<geo::Finding>& findings() const;
    /// Envelope of finding `index` in the map CRS (empty when it has no geometry).
    geo::Envelope envelopeOf(int index) const;
    FindingsTree* tree() const { return m_tree; }
    /// What the map draws for the findings: every one hatched, the current one highlighted.
    std::vector<render::LayerSnapshot> overlay() const;
    /// Chooses finding `index`: highlights it and asks for a zoom to it.
    void activateFinding(int index);

    /// Shows the findings of a run made elsewhere (the conflict check of a drawn shape), as if
    /// Run had made them, with `title` before the count in the summary.
    void showRun(const FindingsRun& run, const QString& title);

    /// Takes out the findings of feature `fid` of `layer` (a role name: a shape undone or deleted
    /// while editing), from the list and the map, with `title` before the count. Nothing happens
    /// when none concern it.
    void dropFindingsOf(const std::string& layer, std::int64_t fid, const QString& title);

protected:
    /// Starts the job on a worker (QtConcurrent) on `session`, with `mapCrs` for the overlay.
    /// The job reports progress 0..kAnalysisProgressSteps and stops when cancelled.
    virtual QFuture<FindingsRun> startRun(std::shared_ptr<geo::ParkSession> session,
                                          const geo::Crs& mapCrs);
    void setOverlayColour(const QColor& colour) { m_overlayColour = colour; }
    /// The file name suggested by Export….
    void setExportBaseName(const QString& name) { m_exportBaseName = name; }

    QFuture<void> startJob() override;
    QString runningText() const override;
    void acceptResult() override;
    void clearResult() override;
    bool canExport() const override;
    void exportDialog() override;
    QFuture<QString> startExport(const QString& path) override;

private:
    void acceptRun(std::shared_ptr<const FindingsRun> result, const QString& title);

    QLineEdit* m_filter;
    FindingsTree* m_tree;
    QFuture<FindingsRun> m_job;
    geo::Crs m_mapCrs;
    std::shared_ptr<const FindingsRun> m_result;
    int m_current = -1;
    QColor m_overlayColour{220, 30, 30};
    QString m_exportBaseName = QStringLiteral("findings");
};

} // namespace parkatlas::desktop
