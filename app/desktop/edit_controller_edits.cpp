// EditController: the edits, each one step on the undo stack: add, reshape, attributes, delete,
// split and merge.
#include "app/desktop/edit_controller.h"

#include <algorithm>

namespace parkatlas::desktop {

std::int64_t EditController::addFeature(geo::EditGeometry geometry, geo::FieldValues values,
                                        QString* why)
{
    if (!isEditing() || !geometryAcceptable(geometry, why))
        return 0;
    PendingFeature feature;
    feature.fid = m_nextNewFid--;
    feature.geometry = std::move(geometry);
    feature.geometryChanged = true;
    feature.values = std::move(values);
    const std::int64_t fid = feature.fid;
    push(tr("Add feature"), {{fid, feature}});
    return fid;
}

bool EditController::changeGeometry(std::int64_t fid, geo::EditGeometry geometry,
                                    const QString& text, QString* why)
{
    if (!isEditing() || rowOf(fid) < 0 || !geometryAcceptable(geometry, why))
        return false;
    PendingFeature feature = touched(fid);
    feature.geometry = std::move(geometry);
    feature.geometryChanged = true;
    push(text, {{fid, feature}});
    return true;
}

void EditController::changeValues(std::int64_t fid, const geo::FieldValues& values)
{
    if (!isEditing() || rowOf(fid) < 0)
        return;
    PendingFeature feature = touched(fid);
    const geo::FieldValues current = valuesOf(fid);
    bool changed = false;
    for (const auto& [name, value] : values) {
        const auto it = current.find(name);
        if (it != current.end() && it->second == value)
            continue;
        feature.values[name] = value;
        changed = true;
    }
    if (changed)
        push(tr("Edit attributes"), {{fid, feature}});
}

void EditController::deleteFeatures(const std::vector<std::int64_t>& fids)
{
    State after;
    for (std::int64_t fid : fids) {
        if (rowOf(fid) < 0)
            continue;
        if (fid < 0) {
            after[fid] = std::nullopt; // a new feature deleted: as if never drawn
            continue;
        }
        PendingFeature feature = touched(fid);
        feature.deleted = true;
        after[fid] = feature;
    }
    if (!after.empty())
        push(tr("Delete %n feature(s)", nullptr, static_cast<int>(after.size())), after);
}

int EditController::split(const std::vector<geo::EditPoint>& line,
                          const std::vector<std::int64_t>& among)
{
    if (!isEditing() || kind() != geo::GeometryKind::Polygon || line.size() < 2)
        return 0;
    geo::Envelope box;
    for (const geo::EditPoint& point : line)
        box.expand(point.x, point.y);
    std::vector<std::int64_t> candidates = among;
    if (candidates.empty())
        for (std::size_t row = 0; row < m_current->featureCount(); ++row)
            if (m_current->geometry.envelope(row).intersects(box))
                candidates.push_back(m_current->fids[row]);
    State after;
    int count = 0;
    for (std::int64_t fid : candidates) {
        const std::vector<geo::EditGeometry> pieces = geo::splitPolygon(geometryOf(fid), line);
        if (pieces.size() < 2)
            continue;
        ++count;
        // The largest piece keeps the feature (its id, its values); the others are new
        // features with the same values.
        PendingFeature kept = touched(fid);
        kept.geometry = pieces.front();
        kept.geometryChanged = true;
        after[fid] = kept;
        const geo::FieldValues values = valuesOf(fid);
        for (std::size_t i = 1; i < pieces.size(); ++i) {
            PendingFeature piece;
            piece.fid = m_nextNewFid--;
            piece.geometry = pieces[i];
            piece.geometryChanged = true;
            piece.values = values;
            after[piece.fid] = piece;
        }
    }
    if (count > 0)
        push(tr("Split %n feature(s)", nullptr, count), after);
    return count;
}

bool EditController::merge(const std::vector<std::int64_t>& fids, QString* why)
{
    if (!isEditing() || kind() != geo::GeometryKind::Polygon || fids.size() < 2) {
        if (why)
            *why = tr("Choose two or more polygons of the edited layer to merge.");
        return false;
    }
    std::vector<geo::EditGeometry> parts;
    for (std::int64_t fid : fids)
        parts.push_back(geometryOf(fid));
    std::string reason;
    const std::optional<geo::EditGeometry> merged = geo::mergePolygons(parts, m_multi, &reason);
    if (!merged) {
        if (why)
            *why = QString::fromStdString(reason);
        return false;
    }
    if (!geometryAcceptable(*merged, why))
        return false;
    State after;
    PendingFeature kept = touched(fids.front());
    kept.geometry = *merged;
    kept.geometryChanged = true;
    after[fids.front()] = kept;
    for (std::size_t i = 1; i < fids.size(); ++i) {
        if (fids[i] < 0) {
            after[fids[i]] = std::nullopt;
            continue;
        }
        PendingFeature gone = touched(fids[i]);
        gone.deleted = true;
        after[fids[i]] = gone;
    }
    push(tr("Merge %n feature(s)", nullptr, static_cast<int>(fids.size())), after);
    return true;
}

} // namespace parkatlas::desktop
