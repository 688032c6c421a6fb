#pragma once

#include "app/desktop/feature_measurement.h"

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
};

/// The Identify results: one branch per feature found (the topmost first, expanded), with its
/// area in mu by the ellipsoidal and the planar method (polygons) or its length (lines), and
/// then all its attributes.
class IdentifyPanel : public QWidget {
    Q_OBJECT
public:
    explicit IdentifyPanel(QWidget* parent = nullptr);

    void setResults(std::vector<IdentifyResult> results);
    /// No results, and the hint on how to get some.
    void clear();
    const std::vector<IdentifyResult>& results() const { return m_results; }
    QTreeWidget* tree() const { return m_tree; }

private:
    std::vector<IdentifyResult> m_results;
    QTreeWidget* m_tree;
    QLabel* m_note;
};

} // namespace parkatlas::desktop
