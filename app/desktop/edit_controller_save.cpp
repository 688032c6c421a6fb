// EditController: the save paths: the changes written to the store in one transaction (on a
// worker), and the crash journal that keeps the pending edits until they are saved.
#include "app/desktop/edit_controller.h"

#include "geo/session/park_session.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QStandardPaths>
#include <QtConcurrent/QtConcurrentRun>

#include <exception>

namespace parkatlas::desktop {

namespace {

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

} // namespace

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
