#include "app/desktop/edit_controller.h"

#include "app/desktop/park_date_dialog.h"
#include "geo/decimal_text.h"
#include "geo/file_paths.h"

#include <QDateTime>
#include <QFileInfo>

#include <algorithm>
#include <cmath>
#include <exception>
#include <filesystem>

namespace parkatlas::desktop {

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

} // namespace parkatlas::desktop
