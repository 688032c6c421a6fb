#pragma once

#include "app/desktop/analysis_panel.h"
#include "app/render/change_map.h"
#include "app/render/layer_snapshot.h"
#include "geo/crs/crs.h"
#include "geo/diff/park_diff.h"

#include <QDate>
#include <QFuture>
#include <QString>
#include <QStringList>
#include <QWidget>

#include <memory>
#include <vector>

class QComboBox;
class QDateEdit;
class QLineEdit;
class QPushButton;
class QStackedWidget;
class QTreeWidget;
class QTreeWidgetItem;

namespace parkatlas::geo {
class ParkSession;
}

namespace parkatlas::desktop {

/// What a comparison gave, made on the worker: the changes (geo::diffParks), the change map's
/// overlays (render::changeOverlays: 新增 green, 变更 orange, 灭失 red hatched) already in the
/// map CRS, where each item is drawn among them and its envelope there, the data problems met
/// and the error that stopped the run. Immutable once made.
struct ChangesRun {
    geo::ParkDiff diff;
    QString oldLabel, newLabel; // the parks compared, as the user reads them
    std::vector<render::LayerSnapshot> overlays;
    std::vector<std::vector<render::ChangePlace>> places;  // per diff.layers[l], per item
    std::vector<std::vector<geo::Envelope>> envelopes;     // the same, in the map CRS
    QStringList issues;
    QString error;
};

/// The Changes panel (变化, issue 17): what changed in the open park between two dates (from the
/// history it keeps), or between it and another park file (the other older or newer). Compare
/// reads both parks and runs geo::diffParks on a worker (progress bar, Cancel); the changes are
/// listed by role (新增 / 变更 / 灭失, splits and merges as one row naming every id, the mu
/// then and now, the fields changed) and drawn over the map in the change map's colours; a row
/// zooms to its plots and highlights them.
class ChangesPanel : public AnalysisPanel {
    Q_OBJECT
public:
    enum class Mode { Dates, File };

    explicit ChangesPanel(QWidget* parent = nullptr);

    /// The open park (its session, null when none) and the map CRS the changes are drawn in.
    /// Forgets the changes shown, cancelling a run.
    void setSource(std::shared_ptr<geo::ParkSession> session, const geo::Crs& mapCrs);

    /// Between two dates of the open park: `to` invalid means as it is now.
    void setDates(const QDate& from, const QDate& to);
    /// With another park file; `otherIsOlder`: the other park is the earlier one.
    void setOtherPark(const QString& path, bool otherIsOlder);
    Mode mode() const;

    /// The changes of the last finished comparison (null before one).
    const ChangesRun* result() const { return m_result.get(); }
    QTreeWidget* tree() const { return m_tree; }
    /// The row of item `item` of diff.layers[layer], or null.
    QTreeWidgetItem* rowOf(int layer, int item) const;
    /// Chooses an item: highlights it and asks for a zoom to it (-1: none).
    void activateItem(int layer, int item);
    /// What the map draws: every change in its colour, the chosen one highlighted.
    std::vector<render::LayerSnapshot> overlay() const;

protected:
    QFuture<void> startJob() override;
    QString runningText() const override;
    void acceptResult() override;
    void clearResult() override;
    bool canRun() const override;

private:
    void fillTree();
    void browse();

    QComboBox* m_mode;
    QStackedWidget* m_modePages;
    QDateEdit* m_from;
    QDateEdit* m_to;
    QPushButton* m_toNow;
    bool m_toIsNow = true;
    QLineEdit* m_otherPath;
    QComboBox* m_direction;
    QTreeWidget* m_tree;
    QFuture<ChangesRun> m_job;
    geo::Crs m_mapCrs;
    std::shared_ptr<const ChangesRun> m_result;
    int m_currentLayer = -1, m_currentItem = -1;
};

} // namespace parkatlas::desktop
