#pragma once

#include "app/desktop/feature_measurement.h"
#include "geo/diff/plot_timeline.h"

#include <QString>
#include <QWidget>

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

class QLabel;
class QTreeWidget;

namespace parkatlas::desktop {

/// One feature found by the Identify tool, with everything the panel shows of it.
struct IdentifyResult {
    std::size_t layerIndex = 0; // in the canvas's drawing order
    std::size_t feature = 0;    // index into the layer
    std::int64_t fid = -1;      // the source's feature id
    QString layerName;
    QString roleName; // "宗地 parcels"; empty when the layer has no role
    QString crsLabel; // the map CRS the measures were taken in ("EPSG:4547")
    /// Every attribute, field names as the source has them (Chinese included); unknown values
    /// are empty strings.
    std::vector<std::pair<QString, QString>> attributes;
    /// The source's field name of each attribute (the contract fields are shown by name).
    QStringList attributeSources;
    FeatureMeasurement measurement;
    /// A parcel's, acquisition batch's or idle-land case's timeline (征地 → 供地 → 动工 → 竣工 →
    /// 闲置认定 → 处置), from its fields and its history; shown when hasTimeline.
    bool hasTimeline = false;
    std::vector<geo::TimelineStep> timeline;
    QString timelineProblem; // why the history could not be read
};

/// The Identify results: one branch per feature found (the topmost first, expanded), with its
/// area in mu by the ellipsoidal and the planar method (polygons) or its length (lines), and
/// then its timeline (a parcel, batch or idle case: one row per step, an unknown date shown
/// as unknown) and all its attributes.
class IdentifyPanel : public QWidget {
    Q_OBJECT
public:
    explicit IdentifyPanel(QWidget* parent = nullptr);

    void setResults(std::vector<IdentifyResult> results);
    /// No results, and the hint on how to get some.
    void clear();
    const std::vector<IdentifyResult>& results() const { return m_results; }
    QTreeWidget* tree() const { return m_tree; }
    /// A timeline step's name in the user's language ("供地").
    static QString stageName(geo::TimelineStage stage);

private:
    std::vector<IdentifyResult> m_results;
    QTreeWidget* m_tree;
    QLabel* m_note;
};

} // namespace parkatlas::desktop
