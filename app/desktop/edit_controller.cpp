#include "app/desktop/edit_controller.h"
#include "app/desktop/park_date_dialog.h"

#include "app/desktop/translation.h"
#include "geo/progress.h"
#include "geo/session/park_session.h"

#include "geo/crs/transform.h"
#include "geo/file_paths.h"
#include "geo/io/decimal_text.h"
#include "geo/issue.h"
#include "geo/model/issue_text.h"
#include "geo/model/park.h"
#include "geo/rules/compliance.h"
#include "geo/rules/feature_check.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QPromise>
#include <QStandardPaths>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>
#include <exception>
#include <filesystem>

namespace parkatlas::desktop {

struct CheckPark {
    std::shared_ptr<const geo::Park> park;
    geo::ComplianceSettings settings;
    QString error;
    QStringList issues;
};

namespace {

bool isConnection(const std::string& store)
{
    return store.rfind("PG:", 0) == 0 || store.rfind("postgresql://", 0) == 0 ||
           store.rfind("postgres://", 0) == 0;
}

bool isGeoPackage(const std::string& path)
{
    const std::string extension = std::filesystem::path(path).extension().string();
    return extension == ".gpkg" || extension == ".GPKG";
}

/// A value of `from` row `row` field `field` appended to the row being built in `to`.
void copyValue(const geo::AttributeTable& from, std::size_t row, int field, geo::AttributeTable& to)
{
    if (from.isUnknown(row, field)) {
        to.setUnknown(field);
        return;
    }
    switch (from.fields()[static_cast<std::size_t>(field)].type) {
    case geo::FieldType::Integer:
        to.setInteger(field, from.integer(row, field).value_or(0));
        break;
    case geo::FieldType::Real:
        to.setReal(field, from.number(row, field).value_or(0));
        break;
    case geo::FieldType::Date:
        to.setDate(field, from.date(row, field).value_or(geo::Date{}));
        break;
    case geo::FieldType::String:
        to.setText(field, from.textView(row, field));
        break;
    }
}

/// A value given as text (the form's, the journal's) into the row being built in `to`; text a
/// number or date field cannot take is unknown.
void setFromText(geo::AttributeTable& to, int field, const std::optional<std::string>& value)
{
    if (!value || geo::isUnknownText(*value)) {
        to.setUnknown(field);
        return;
    }
    switch (to.fields()[static_cast<std::size_t>(field)].type) {
    case geo::FieldType::Integer:
        try {
            std::size_t used = 0;
            const long long number = std::stoll(*value, &used);
            if (used == value->size()) {
                to.setInteger(field, number);
                return;
            }
        } catch (const std::exception&) {
        }
        to.setUnknown(field);
        return;
    case geo::FieldType::Real:
        if (const auto number = geo::parseDecimal(*value); number && std::isfinite(*number)) {
            to.setReal(field, *number);
            return;
        }
        to.setUnknown(field);
        return;
    case geo::FieldType::Date:
        if (const auto date = geo::Date::parse(*value))
            to.setDate(field, *date);
        else
            to.setUnknown(field);
        return;
    case geo::FieldType::String:
        to.setText(field, *value);
        return;
    }
}

void copyGeometry(const geo::GeometryStore& from, std::size_t row, geo::GeometryStore& to)
{
    to.beginFeature();
    for (std::size_t part = 0; part < from.partCount(row); ++part) {
        to.beginPart();
        for (std::size_t ring = 0; ring < from.ringCount(row, part); ++ring) {
            to.beginRing();
            const geo::RingView view = from.ring(row, part, ring);
            for (std::size_t v = 0; v < view.vertexCount(); ++v)
                to.addVertex(view.x(v), view.y(v));
        }
    }
    to.endFeature();
}

/// Fields the store keeps itself (the feature id, PostGIS's row_version): never written by an
/// editor.
bool storeManaged(const std::string& field)
{
    return field == "fid" || field == "FID" || field == "row_version";
}

/// The values an editor may write: the store's own fields left out, and for a new feature the
/// fields left empty (they are null anyway).
geo::FieldValues writable(const geo::FieldValues& values, bool insert)
{
    geo::FieldValues out;
    for (const auto& [name, value] : values)
        if (!storeManaged(name) && (value || !insert))
            out[name] = value;
    return out;
}

/// The WKB type of a stored geometry (its first bytes), 0 when there is none.
bool wkbIsMulti(const std::vector<unsigned char>& wkb)
{
    if (wkb.size() < 5)
        return false;
    std::uint32_t type = 0;
    if (wkb[0] == 1)
        type = wkb[1] | (wkb[2] << 8) | (wkb[3] << 16) | (static_cast<std::uint32_t>(wkb[4]) << 24);
    else
        type = wkb[4] | (wkb[3] << 8) | (wkb[2] << 16) | (static_cast<std::uint32_t>(wkb[1]) << 24);
    type = (type & 0xffff) % 1000;
    return type == 5 || type == 6;
}

bool sameGeometry(const geo::EditGeometry& a, const geo::EditGeometry& b)
{
    if (a.kind != b.kind || a.polygons.size() != b.polygons.size() ||
        a.lines.size() != b.lines.size())
        return false;
    for (std::size_t p = 0; p < a.polygons.size(); ++p) {
        if (a.polygons[p].rings.size() != b.polygons[p].rings.size())
            return false;
        for (std::size_t r = 0; r < a.polygons[p].rings.size(); ++r)
            if (a.polygons[p].rings[r] != b.polygons[p].rings[r])
                return false;
    }
    return a.lines == b.lines;
}

} // namespace

/// One step on the undo stack: the touched features' states before and after.
class EditCommand : public QUndoCommand {
public:
    EditCommand(EditController* controller, const QString& text, EditController::State before,
                EditController::State after)
        : QUndoCommand(text), m_controller(controller), m_before(std::move(before)),
          m_after(std::move(after))
    {
    }
    void redo() override { m_controller->apply(m_after); }
    void undo() override
    {
        m_controller->apply(m_before);
        // Marked obsolete after it is undone, QUndoStack drops the step (no Redo).
        if (m_dropWhenUndone)
            setObsolete(true);
    }
    /// The next undo takes the step off the stack for good.
    void dropWhenUndone() { m_dropWhenUndone = true; }
    /// Whether this step is the drawing of the new feature `fid`.
    bool adds(std::int64_t fid) const
    {
        const auto before = m_before.find(fid);
        const auto after = m_after.find(fid);
        return m_before.size() == 1 && before != m_before.end() && !before->second &&
               after != m_after.end() && after->second && !after->second->deleted;
    }

private:
    EditController* m_controller;
    EditController::State m_before;
    EditController::State m_after;
    bool m_dropWhenUndone = false;
};

EditController::EditController(QObject* parent) : QObject(parent)
{
    connect(&m_saveWatcher, &QFutureWatcher<SaveOutcome>::finished, this,
            &EditController::onSaveFinished);
    connect(&m_checkWatcher, &QFutureWatcher<FindingsRun>::finished, this, [this] {
        const bool done =
            !m_checkWatcher.isCanceled() && m_checkWatcher.future().resultCount() > 0;
        if (m_queuedCheck != 0) {
            check(m_queuedCheck); // a newer state of a feature: its findings replace these
            return;
        }
        if (done)
            emit checkFinished(m_checkFid, m_checkWatcher.result());
    });
    connect(&m_fileWatcher, &QFileSystemWatcher::fileChanged, this, [this](const QString& path) {
        // A save replaces nothing in place (SQLite writes the file), so the watch stays; some
        // editors replace files, so watch again.
        if (!m_fileWatcher.files().contains(path) && QFileInfo::exists(path))
            m_fileWatcher.addPath(path);
        if (m_ownSave || !isEditing() || storeStamp() == m_knownStamp)
            return;
        m_changedOnDisk = true;
        emit storeChanged();
    });
}

EditController::~EditController()
{
    m_checkWatcher.cancel();
    m_checkWatcher.waitForFinished();
    m_saveWatcher.waitForFinished(); // a save runs to its end: a half transaction is never left
}

geo::GeometryKind EditController::kind() const
{
    return m_base ? m_base->geometry.kind() : geo::GeometryKind::None;
}

QString EditController::start(std::shared_ptr<const geo::Layer> layer,
                              std::optional<geo::Role> role, const QStringList& sources,
                              std::shared_ptr<geo::ParkSession> park)
{
    stop();
    if (!layer)
        return tr("No layer is chosen.");
    if (const QDate shown = parkDateOf(sources); shown.isValid())
        return tr("The park is shown as of %1: only the park as it is now can be edited (View > "
                  "As Of… > As It Is Now).")
            .arg(shown.toString(Qt::ISODate));
    const std::string& store = layer->sourcePath;
    if (!isGeoPackage(store) && !isConnection(store))
        return tr("%1 is not a GeoPackage or PostGIS layer: only those are edited in place "
                  "(save a GeoPackage copy first).")
            .arg(QString::fromStdString(store));
    const geo::GeometryKind kind = layer->geometry.kind();
    if (kind != geo::GeometryKind::Polygon && kind != geo::GeometryKind::Line)
        return tr("Layer %1 holds points: only polygon and line layers are edited.")
            .arg(QString::fromStdString(layer->name));
    std::unique_ptr<geo::EditSession> session;
    try {
        session = geo::EditSession::open(store, layer->name);
        // The map must show the layer as stored: compare the first feature.
        if (layer->featureCount() > 0) {
            const geo::EditableFeature stored = session->read(layer->fids[0]);
            m_multi = wkbIsMulti(stored.geometryWkb);
            if (!stored.geometryWkb.empty() &&
                !sameGeometry(geo::EditGeometry::fromWkb(stored.geometryWkb),
                              geo::EditGeometry::fromStore(layer->geometry, 0)))
                return tr("Layer %1 is drawn in the map's coordinate system, not in its own (or "
                          "it changed on disk since it was opened): open it again, alone or "
                          "first, to edit it.")
                    .arg(QString::fromStdString(layer->name));
        } else {
            m_multi = isConnection(store);
        }
    } catch (const std::exception& error) {
        return QString::fromStdString(error.what());
    }
    m_session = std::move(session);
    m_base = std::move(layer);
    m_role = role;
    m_store = store;
    m_layerName = m_base->name;
    m_sources = sources;
    m_park = std::move(park);
    m_baseRows.clear();
    for (std::size_t row = 0; row < m_base->featureCount(); ++row)
        m_baseRows[m_base->fids[row]] = row;
    m_pending.clear();
    m_nextNewFid = -1;
    m_undo.clear();
    m_changedOnDisk = false;
    m_journalPath = journalPathFor(m_store, m_layerName);
    // A journal of an earlier session on this layer that was not recovered: kept aside (the
    // next start offers it again), never overwritten by this session's.
    if (QFileInfo::exists(m_journalPath))
        QFile::rename(m_journalPath, m_journalPath.left(m_journalPath.size() - 5) +
                                         QStringLiteral("-%1.json").arg(
                                             QDateTime::currentMSecsSinceEpoch()));
    watchStore();
    loadCheckPark();
    rebuild();
    return {};
}

void EditController::stop()
{
    m_queuedCheck = 0;
    m_checkWatcher.cancel();
    m_checkWatcher.waitForFinished(); // it reads the park and the layer's CRS
    if (!m_journalPath.isEmpty())
        QFile::remove(m_journalPath);
    if (!m_fileWatcher.files().isEmpty())
        m_fileWatcher.removePaths(m_fileWatcher.files());
    m_journalPath.clear();
    m_session.reset();
    m_base.reset();
    m_current.reset();
    m_pending.clear();
    m_undo.clear();
    m_checkPark = {};
    m_changedOnDisk = false;
}

void EditController::watchStore()
{
    if (isConnection(m_store))
        return; // a server: conflicts are found feature by feature on save
    m_fileWatcher.addPath(QString::fromStdString(m_store));
    const QString wal = QString::fromStdString(m_store) + QStringLiteral("-wal");
    if (QFileInfo::exists(wal))
        m_fileWatcher.addPath(wal);
    m_knownStamp = storeStamp();
}

std::string EditController::storeStamp() const
{
    std::string stamp;
    for (const std::string& name : {m_store, m_store + "-wal"}) {
        const std::filesystem::path path = geo::utf8Path(name);
        std::error_code error;
        const auto time = std::filesystem::last_write_time(path, error);
        if (error) {
            stamp += "-;";
            continue;
        }
        const auto size = std::filesystem::file_size(path, error);
        stamp += std::to_string(time.time_since_epoch().count()) + ',' +
                 std::to_string(error ? 0 : size) + ';';
    }
    return stamp;
}

void EditController::acknowledgeStoreChange()
{
    m_changedOnDisk = false;
    m_knownStamp = storeStamp();
}

int EditController::rowOf(std::int64_t fid) const
{
    const auto it = m_currentRows.find(fid);
    return it == m_currentRows.end() ? -1 : static_cast<int>(it->second);
}

geo::EditGeometry EditController::geometryOf(std::int64_t fid) const
{
    if (const auto it = m_pending.find(fid); it != m_pending.end())
        return it->second.geometry;
    const auto row = m_baseRows.find(fid);
    if (row == m_baseRows.end())
        return {};
    return geo::EditGeometry::fromStore(m_base->geometry, row->second);
}

geo::FieldValues EditController::valuesOf(std::int64_t fid) const
{
    geo::FieldValues values;
    if (const auto row = m_baseRows.find(fid); row != m_baseRows.end()) {
        const geo::AttributeTable& table = m_base->attributes;
        for (std::size_t f = 0; f < table.fields().size(); ++f) {
            const int field = static_cast<int>(f);
            values[table.fields()[f].name] =
                table.isUnknown(row->second, field)
                    ? std::nullopt
                    : std::optional<std::string>(table.text(row->second, field));
        }
    }
    if (const auto it = m_pending.find(fid); it != m_pending.end())
        for (const auto& [name, value] : it->second.values)
            values[name] = value;
    return values;
}

PendingFeature EditController::touched(std::int64_t fid)
{
    if (const auto it = m_pending.find(fid); it != m_pending.end())
        return it->second;
    PendingFeature feature;
    feature.fid = fid;
    feature.geometry = geometryOf(fid);
    if (fid >= 0 && m_session) {
        try {
            const geo::EditableFeature stored = m_session->read(fid);
            feature.baseVersion = stored.version;
            // What is stored is not what the map shows: someone saved it since it was read.
            if (!stored.geometryWkb.empty() &&
                !sameGeometry(geo::EditGeometry::fromWkb(stored.geometryWkb), feature.geometry)) {
                m_changedOnDisk = true;
                emit storeChanged();
            }
        } catch (const std::exception&) {
            // Deleted by someone else since: the save names the conflict.
            m_changedOnDisk = true;
            emit storeChanged();
        }
    }
    return feature;
}

bool EditController::geometryAcceptable(const geo::EditGeometry& geometry, QString* why) const
{
    auto refuse = [why](const QString& text) {
        if (why)
            *why = text;
        return false;
    };
    if (geometry.kind != kind())
        return refuse(tr("The shape is not of the layer's kind."));
    if (geometry.isEmpty())
        return refuse(tr("The shape is empty."));
    const std::size_t parts =
        geometry.kind == geo::GeometryKind::Polygon ? geometry.polygons.size() : geometry.lines.size();
    if (parts > 1 && !m_multi)
        return refuse(tr("The layer holds single parts, and the shape has %1.").arg(parts));
    const std::string problem = geo::validityProblem(geometry);
    if (!problem.empty())
        return refuse(tr("The shape is not valid: %1").arg(QString::fromStdString(problem)));
    return true;
}

void EditController::push(const QString& text, const State& after)
{
    State before;
    for (const auto& [fid, state] : after) {
        const auto it = m_pending.find(fid);
        before[fid] = it == m_pending.end() ? std::nullopt : std::optional(it->second);
    }
    m_undo.push(new EditCommand(this, text, std::move(before), after));
}

void EditController::apply(const State& state)
{
    m_lastEdited = 0;
    m_lastTouched.clear();
    for (const auto& [fid, feature] : state) {
        m_lastTouched.push_back(fid);
        if (feature && !feature->deleted && m_lastEdited == 0)
            m_lastEdited = fid;
    }
    for (const auto& [fid, feature] : state) {
        if (feature)
            m_pending[fid] = *feature;
        else
            m_pending.erase(fid);
    }
    rebuild();
    writeJournal();
}

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

bool EditController::discardAddedFeature(std::int64_t fid)
{
    const int index = m_undo.index();
    if (index == 0 || index != m_undo.count())
        return false;
    // The stack owns its commands; the top one is this controller's own EditCommand.
    auto* step = dynamic_cast<EditCommand*>(const_cast<QUndoCommand*>(m_undo.command(index - 1)));
    if (!step || !step->adds(fid))
        return false;
    // Undone and then dropped from the stack: no Redo brings the feature back, and the stack
    // is as it was before the drawing (clean if it was).
    step->dropWhenUndone();
    m_undo.undo();
    return true;
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

void EditController::rebuild()
{
    if (!m_base) {
        m_current.reset();
        m_currentRows.clear();
        emit layerChanged();
        return;
    }
    auto layer = std::make_shared<geo::Layer>();
    layer->name = m_base->name;
    layer->sourcePath = m_base->sourcePath;
    layer->crs = m_base->crs;
    layer->crsOrigin = m_base->crsOrigin;
    layer->encoding = m_base->encoding;
    layer->geometry = geo::GeometryStore(m_base->geometry.kind());
    const geo::AttributeTable& from = m_base->attributes;
    geo::AttributeTable& to = layer->attributes;
    to.setFields(from.fields());
    const std::size_t fieldCount = from.fields().size();
    auto setValues = [&](const PendingFeature* feature, std::optional<std::size_t> baseRow) {
        for (std::size_t f = 0; f < fieldCount; ++f) {
            const int field = static_cast<int>(f);
            if (feature) {
                const auto it = feature->values.find(from.fields()[f].name);
                if (it != feature->values.end()) {
                    setFromText(to, field, it->second);
                    continue;
                }
            }
            if (baseRow)
                copyValue(from, *baseRow, field, to);
            else
                to.setUnknown(field);
        }
        to.commitRow();
    };
    m_currentRows.clear();
    for (std::size_t row = 0; row < m_base->featureCount(); ++row) {
        const std::int64_t fid = m_base->fids[row];
        const auto it = m_pending.find(fid);
        const PendingFeature* feature = it == m_pending.end() ? nullptr : &it->second;
        if (feature && feature->deleted)
            continue;
        if (feature && feature->geometryChanged)
            feature->geometry.appendTo(layer->geometry);
        else
            copyGeometry(m_base->geometry, row, layer->geometry);
        setValues(feature, row);
        m_currentRows[fid] = layer->fids.size();
        layer->fids.push_back(fid);
    }
    // New features after the stored ones, in the order they were drawn.
    for (auto it = m_pending.rbegin(); it != m_pending.rend(); ++it) {
        if (it->first >= 0 || it->second.deleted)
            continue;
        it->second.geometry.appendTo(layer->geometry);
        setValues(&it->second, std::nullopt);
        m_currentRows[it->first] = layer->fids.size();
        layer->fids.push_back(it->first);
    }
    m_current = std::move(layer);
    emit layerChanged();
}

std::vector<geo::FeatureChange> EditController::changes() const
{
    std::vector<geo::FeatureChange> out;
    for (const auto& [fid, feature] : m_pending) {
        geo::FeatureChange change;
        change.fid = fid;
        change.baseVersion = feature.baseVersion;
        if (fid < 0) {
            if (feature.deleted)
                continue;
            change.kind = geo::FeatureChange::Kind::Insert;
            change.values = writable(feature.values, true);
            change.geometryWkb = feature.geometry.toWkb(m_multi);
        } else if (feature.deleted) {
            change.kind = geo::FeatureChange::Kind::Delete;
        } else {
            change.kind = geo::FeatureChange::Kind::Update;
            change.values = writable(feature.values, false);
            if (feature.geometryChanged)
                change.geometryWkb = feature.geometry.toWkb(m_multi);
        }
        out.push_back(std::move(change));
    }
    return out;
}

void EditController::save(bool overwrite)
{
    if (!isEditing() || isSaving())
        return;
    m_saving = changes();
    m_ownSave = true;
    m_saveWatcher.setFuture(QtConcurrent::run([store = m_store, layer = m_layerName,
                                               changes = m_saving, overwrite]() mutable {
        SaveOutcome outcome;
        try {
            auto session = geo::EditSession::open(store, layer);
            if (overwrite) {
                // The user chose to overwrite what others saved: take their versions now.
                for (geo::FeatureChange& change : changes)
                    if (change.kind != geo::FeatureChange::Kind::Insert) {
                        try {
                            change.baseVersion = session->read(change.fid).version;
                        } catch (const geo::Error&) {
                            // Deleted by the other person: commit names it.
                        }
                    }
            }
            session->commit(changes);
        } catch (const geo::EditConflict& conflict) {
            outcome.conflict = true;
            outcome.error = QString::fromStdString(conflict.what());
            // Which of ours were saved by someone else since: compare versions.
            try {
                auto session = geo::EditSession::open(store, layer);
                for (const geo::FeatureChange& change : changes) {
                    if (change.kind == geo::FeatureChange::Kind::Insert)
                        continue;
                    bool changed = true;
                    try {
                        changed = session->read(change.fid).version != change.baseVersion;
                    } catch (const geo::Error&) {
                    }
                    if (changed)
                        outcome.conflictFids.push_back(change.fid);
                }
            } catch (const std::exception&) {
            }
        } catch (const std::exception& error) {
            outcome.error = QString::fromStdString(error.what());
        }
        return outcome;
    }));
}

void EditController::onSaveFinished()
{
    const SaveOutcome outcome = m_saveWatcher.result();
    // The store now holds our write, or what the save found and reports as a conflict: the
    // watcher's reports of either (they may come much later) are not news.
    if (outcome.error.isEmpty() || outcome.conflict)
        m_knownStamp = storeStamp();
    m_ownSave = false;
    if (outcome.error.isEmpty()) {
        QFile::remove(m_journalPath);
        m_changedOnDisk = false;
        // The saved features are now part of the park: its layer is read again.
        if (m_park && m_role)
            m_park->forget({*m_role});
        loadCheckPark();
    }
    emit saveFinished(outcome);
}

void EditController::dropEdits(const std::vector<std::int64_t>& fids)
{
    State after;
    for (std::int64_t fid : fids)
        if (m_pending.count(fid))
            after[fid] = std::nullopt;
    if (!after.empty())
        push(tr("Keep the stored version of %n feature(s)", nullptr,
                static_cast<int>(after.size())),
             after);
}

void EditController::check(std::int64_t fid)
{
    if (!isEditing() || !m_role || rowOf(fid) < 0)
        return;
    // One check at a time: the latest request waits for the running one.
    if (m_checkWatcher.isRunning()) {
        m_queuedCheck = fid;
        return;
    }
    m_queuedCheck = 0;
    m_checkFid = fid;
    geo::CheckedFeature feature;
    feature.role = *m_role;
    feature.fid = fid;
    const geo::EditGeometry geometry = geometryOf(fid);
    for (const auto& [name, value] : valuesOf(fid))
        feature.values[name] = value;
    for (const auto& [pendingFid, pending] : m_pending)
        if (pending.deleted && pendingFid >= 0)
            feature.removedFids.push_back(pendingFid);
    m_checkWatcher.setFuture(QtConcurrent::run(
        [parkFuture = m_checkPark, feature = std::move(feature), geometry,
         mapCrs = m_base->crs](QPromise<FindingsRun>& promise) mutable {
            FindingsRun run;
            const std::shared_ptr<const CheckPark> loaded = parkFuture.result();
            run.issues = loaded->issues;
            if (!loaded->park) {
                run.error = loaded->error;
                promise.addResult(std::move(run));
                return;
            }
            const geo::Park& park = *loaded->park;
            geo::IssueList issues;
            try {
                geo::ComplianceOptions options;
                options.settings = loaded->settings;
                options.threads = 1;
                options.progress = [&promise](double) { return !promise.isCanceled(); };
                geo::EditGeometry inParkCrs = geometry;
                if (!mapCrs.isEmpty() && !park.crs.isEmpty() && !mapCrs.isSameAs(park.crs)) {
                    const geo::Transform transform(mapCrs, park.crs);
                    auto move = [&](std::vector<geo::EditPoint>& points) {
                        std::vector<double> xy;
                        for (const geo::EditPoint& p : points) {
                            xy.push_back(p.x);
                            xy.push_back(p.y);
                        }
                        transform.forward(xy.data(), points.size());
                        for (std::size_t i = 0; i < points.size(); ++i)
                            points[i] = {xy[2 * i], xy[2 * i + 1]};
                    };
                    for (geo::EditPolygon& polygon : inParkCrs.polygons)
                        for (geo::EditRing& ring : polygon.rings)
                            move(ring);
                    for (auto& line : inParkCrs.lines)
                        move(line);
                }
                feature.geometryWkb = inParkCrs.toWkb(inParkCrs.polygons.size() > 1 ||
                                                      inParkCrs.lines.size() > 1);
                geo::ComplianceResult result = geo::checkFeature(park, feature, options, issues);
                run = prepareFindings(std::move(result.findings), park.crs, mapCrs);
            } catch (const geo::Cancelled&) {
                return;
            } catch (const std::exception& error) {
                run.error = QString::fromStdString(error.what());
            }
            for (const geo::Issue& issue : geo::distinctIssues(issues.issues()))
                if (issue.severity == geo::Issue::Severity::Error)
                    run.issues.append(
                        QString::fromStdString(geo::formatIssue(issue, uiLanguage())));
            promise.addResult(std::move(run));
        }));
}

void EditController::setPark(std::shared_ptr<geo::ParkSession> park)
{
    m_park = std::move(park);
    if (isEditing())
        loadCheckPark();
}

void EditController::loadCheckPark()
{
    m_checkPark = QtConcurrent::run([session = m_park] {
        auto loaded = std::make_shared<CheckPark>();
        if (!session) {
            loaded->error = EditController::tr("No park is open: the conflict check needs one.");
            return std::shared_ptr<const CheckPark>(loaded);
        }
        // The window's session: the park as the map and the panels have it (its mapping, its
        // rules), every layer read once for all of them.
        geo::NullIssueSink kept; // the session keeps them: readIssues
        try {
            loaded->settings = session->complianceSettings(kept);
            loaded->park = session->park({}, kept);
        } catch (const std::exception& error) {
            loaded->error = QString::fromStdString(error.what());
        }
        for (const geo::Issue& issue : geo::distinctIssues(session->readIssues({})))
            if (issue.severity == geo::Issue::Severity::Error)
                loaded->issues.append(
                    QString::fromStdString(geo::formatIssue(issue, uiLanguage())));
        return std::shared_ptr<const CheckPark>(loaded);
    });
}

QString EditController::journalPathFor(const std::string& store, const std::string& layer)
{
    const QByteArray key = QCryptographicHash::hash(QByteArray::fromStdString(store + '\n' + layer),
                                                    QCryptographicHash::Sha1)
                               .toHex()
                               .left(16);
    return journalDirectory() + QStringLiteral("/edits-") + QString::fromLatin1(key) +
           QStringLiteral(".json");
}

QString EditController::journalDirectory()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
           QStringLiteral("/journal");
}

QStringList EditController::pendingJournals()
{
    QStringList paths;
    const QDir directory(journalDirectory());
    for (const QString& name :
         directory.entryList({QStringLiteral("edits-*.json"), QStringLiteral("edits-*.recovering")},
                             QDir::Files, QDir::Time))
        paths.append(directory.filePath(name));
    return paths;
}

void EditController::writeJournal()
{
    if (m_journalPath.isEmpty())
        return;
    if (m_pending.empty()) {
        QFile::remove(m_journalPath);
        return;
    }
    geo::EditJournal journal;
    journal.store = m_store;
    journal.layer = m_layerName;
    for (const QString& source : m_sources)
        journal.sources.push_back(source.toStdString());
    journal.written =
        QDateTime::currentDateTimeUtc().toString(Qt::ISODate).toStdString();
    journal.changes = changes();
    try {
        QDir().mkpath(journalDirectory());
        geo::writeJournal(m_journalPath.toStdString(), journal);
        m_journalError.clear();
    } catch (const std::exception& error) {
        m_journalError = QString::fromStdString(error.what());
    }
}

QString EditController::restore(const geo::EditJournal& journal)
{
    if (!isEditing() || journal.store != m_store || journal.layer != m_layerName)
        return tr("The journal belongs to layer %1 of %2.")
            .arg(QString::fromStdString(journal.layer), QString::fromStdString(journal.store));
    State after;
    for (const geo::FeatureChange& change : journal.changes) {
        PendingFeature feature;
        if (change.kind == geo::FeatureChange::Kind::Insert) {
            feature.fid = m_nextNewFid--;
        } else {
            if (m_baseRows.find(change.fid) == m_baseRows.end())
                continue; // deleted since by someone else: nothing to apply it to
            feature.fid = change.fid;
            feature.geometry = geometryOf(change.fid);
        }
        feature.baseVersion = change.baseVersion;
        feature.deleted = change.kind == geo::FeatureChange::Kind::Delete;
        feature.values = change.values;
        if (change.geometryWkb) {
            try {
                feature.geometry = geo::EditGeometry::fromWkb(*change.geometryWkb);
                feature.geometryChanged = true;
            } catch (const std::exception& error) {
                return QString::fromStdString(error.what());
            }
        }
        after[feature.fid] = feature;
    }
    if (!after.empty())
        push(tr("Recovered edits"), after);
    return {};
}

} // namespace parkatlas::desktop
