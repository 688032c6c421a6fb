#pragma once

#include "app/desktop/findings_panel.h"
#include "geo/edit/edit_geometry.h"
#include "geo/model/layer.h"
#include "geo/model/role.h"
#include "geo/store/edit_journal.h"
#include "geo/store/edit_session.h"

#include <QFileSystemWatcher>
#include <QFutureWatcher>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QUndoStack>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

namespace parkatlas::geo {
class ParkSession;
struct Park;
} // namespace parkatlas::geo

namespace parkatlas::desktop {

/// The park as the conflict check reads it (loaded on a worker), or why it could not be read.
struct CheckPark;

/// One feature the editor has touched: its geometry and values as they are now, and what it was
/// when the editor first touched it (the version, for optimistic locking on save).
struct PendingFeature {
    std::int64_t fid = 0;         // negative: a new feature, not saved yet
    std::int64_t baseVersion = 0; // the store's version when first touched (existing features)
    bool deleted = false;
    bool geometryChanged = false;
    geo::EditGeometry geometry;
    geo::FieldValues values; // the values changed (a new feature: every value given)
};

/// What a save gave: the fids of the features inserted, or the error (a conflict names the
/// features someone else saved since this editor read them).
struct SaveOutcome {
    QString error;
    bool conflict = false;
    std::vector<std::int64_t> conflictFids;
};

/// The edit session of the viewer on one layer (a GeoPackage or PostGIS table): the edits not
/// saved yet, as a state of touched features over the layer as it was read; every edit an
/// undoable step on undoStack(); the layer as it looks with the edits (currentLayer(), redrawn
/// by the window); a journal written after every step, so that a crash loses nothing; Save as
/// one transaction through geo::EditSession (optimistic locking: a feature someone else saved
/// since is never overwritten unless the user says so); the conflict check of a drawn or changed
/// feature (geo::checkFeature, on a worker). Lives on the GUI thread; the GUI thread only reads
/// the store to take a feature's version when the feature is first touched.
class EditController : public QObject {
    Q_OBJECT
public:
    explicit EditController(QObject* parent = nullptr);
    ~EditController() override;

    /// Starts editing `layer` (as the map shows it, from `sources`; `role` when it has one).
    /// Returns "" or why it cannot: not a GeoPackage or PostGIS layer (a shapefile is offered a
    /// GeoPackage copy by the window), not polygons or lines, or drawn reprojected. `park` is the
    /// session of the park the conflict check runs on (the window's; null for none).
    QString start(std::shared_ptr<const geo::Layer> layer, std::optional<geo::Role> role,
                  const QStringList& sources, std::shared_ptr<geo::ParkSession> park);
    /// Ends the session, forgetting unsaved edits and their journal (the window asks first).
    void stop();
    bool isEditing() const { return m_base != nullptr; }
    bool isDirty() const { return !m_undo.isClean(); }

    QUndoStack* undoStack() { return &m_undo; }
    std::optional<geo::Role> role() const { return m_role; }
    /// Polygon or Line.
    geo::GeometryKind kind() const;
    /// Whether the layer holds multi-part geometry (a merge may give one).
    bool isMulti() const { return m_multi; }
    /// The store (a .gpkg path or a connection) and the layer name.
    const std::string& store() const { return m_store; }
    const std::string& layerName() const { return m_layerName; }
    /// The layer as read when editing started.
    const std::shared_ptr<const geo::Layer>& baseLayer() const { return m_base; }
    /// The layer with the edits: deleted features left out, changed ones replaced, new ones at
    /// the end with negative fids. Rebuilt after every step.
    const std::shared_ptr<const geo::Layer>& currentLayer() const { return m_current; }
    /// The row of `fid` in currentLayer(), or -1.
    int rowOf(std::int64_t fid) const;
    geo::EditGeometry geometryOf(std::int64_t fid) const;
    /// Every value of the feature (the stored ones with the edits over them).
    geo::FieldValues valuesOf(std::int64_t fid) const;
    const std::map<std::int64_t, PendingFeature>& pending() const { return m_pending; }
    /// The feature the last step (an edit, undo or redo) left changed, 0 when none.
    std::int64_t lastEdited() const { return m_lastEdited; }
    /// Every feature the last step (an edit, undo or redo) touched, including those it removed.
    const std::vector<std::int64_t>& lastTouched() const { return m_lastTouched; }

    // Edits: each one undoable step. They refuse (return false / -1, and say why in `why`)
    // what the layer cannot hold: invalid geometry, a multi-part result in a single-part layer.
    std::int64_t addFeature(geo::EditGeometry geometry, geo::FieldValues values,
                            QString* why = nullptr);
    /// Takes back the new feature `fid` when drawing it was the last step (its attribute form
    /// was cancelled, as QGIS does): the step is undone and leaves the undo stack, so Redo does
    /// not bring the feature back. False (nothing done) when the last step is another.
    bool discardAddedFeature(std::int64_t fid);
    bool changeGeometry(std::int64_t fid, geo::EditGeometry geometry, const QString& text,
                        QString* why = nullptr);
    void changeValues(std::int64_t fid, const geo::FieldValues& values);
    void deleteFeatures(const std::vector<std::int64_t>& fids);
    /// Splits the polygon features crossed by `line` (all of them, or only `among` when given).
    /// Returns the number of features split (0: the line cuts none through).
    int split(const std::vector<geo::EditPoint>& line, const std::vector<std::int64_t>& among);
    /// Merges the features into the first one (its values kept), deleting the others.
    bool merge(const std::vector<std::int64_t>& fids, QString* why = nullptr);

    /// The changes a save would commit, in fid order.
    std::vector<geo::FeatureChange> changes() const;
    /// Saves on a worker; saveFinished() tells the outcome. `overwrite`: features someone else
    /// saved since are overwritten (the user chose so after a conflict).
    void save(bool overwrite = false);
    bool isSaving() const { return m_saveWatcher.isRunning(); }
    /// After a conflict: drops the edits of `fids` (keeps what the other person saved).
    void dropEdits(const std::vector<std::int64_t>& fids);

    /// The conflict check of one feature (drawn or changed) on a worker; checkFinished() hands
    /// the findings. The park is read on first use and kept while editing.
    void check(std::int64_t fid);
    bool isChecking() const { return m_checkWatcher.isRunning(); }
    /// The conflict check runs on `park` from now on (another park, or its project file
    /// changed: a field mapping or a CRS); taken again at once when editing.
    void setPark(std::shared_ptr<geo::ParkSession> park);

    // Crash journal.
    /// Where journals live (QStandardPaths::AppDataLocation/journal).
    static QString journalDirectory();
    /// The journal of a session on `layer` of `store`.
    static QString journalPathFor(const std::string& store, const std::string& layer);
    /// The journal of this session (one per store and layer).
    QString journalPath() const { return m_journalPath; }
    /// Journals left by sessions that did not end (a crash, a kill): their paths.
    static QStringList pendingJournals();
    /// Replays a journal's changes as one undoable step. Call after start() on its layer.
    /// Returns "" or why not.
    QString restore(const geo::EditJournal& journal);
    /// The sources the journal names (what the viewer had open when editing started).
    const QStringList& journalSources() const { return m_sources; }
    /// The journal's problem when it could not be written ("" when fine).
    const QString& journalError() const { return m_journalError; }

    /// The store file changed on disk while editing, and not by this editor's save.
    bool storeChangedOnDisk() const { return m_changedOnDisk; }
    void acknowledgeStoreChange();

signals:
    /// currentLayer() was rebuilt (an edit, an undo, a redo).
    void layerChanged();
    void saveFinished(const SaveOutcome& outcome);
    /// The check of `fid` finished; `run` holds its findings drawn in the map CRS.
    void checkFinished(std::int64_t fid, const FindingsRun& run);
    /// Someone else wrote the store file while editing (a GeoPackage).
    void storeChanged();

private:
    friend class EditCommand;
    using State = std::map<std::int64_t, std::optional<PendingFeature>>;
    /// Pushes a step that takes the touched features from their state now to `after`.
    void push(const QString& text, const std::map<std::int64_t, std::optional<PendingFeature>>& after);
    void apply(const State& state);
    /// The feature's pending entry, made on first touch (reads its version from the store).
    PendingFeature touched(std::int64_t fid);
    void rebuild();
    void writeJournal();
    bool geometryAcceptable(const geo::EditGeometry& geometry, QString* why) const;
    void onSaveFinished();
    void watchStore();
    /// What the store file and its -wal look like on disk now (times to the nanosecond and
    /// sizes): a write by anyone changes it.
    std::string storeStamp() const;
    void loadCheckPark();

    std::shared_ptr<const geo::Layer> m_base;
    std::shared_ptr<const geo::Layer> m_current;
    std::unordered_map<std::int64_t, std::size_t> m_baseRows; // fid → row of m_base
    std::unordered_map<std::int64_t, std::size_t> m_currentRows;
    std::optional<geo::Role> m_role;
    bool m_multi = false;
    std::string m_store;
    std::string m_layerName;
    QStringList m_sources;
    std::shared_ptr<geo::ParkSession> m_park;
    std::unique_ptr<geo::EditSession> m_session; // GUI thread: versions of touched features
    std::map<std::int64_t, PendingFeature> m_pending;
    std::int64_t m_nextNewFid = -1;
    std::int64_t m_lastEdited = 0;
    std::vector<std::int64_t> m_lastTouched;
    QUndoStack m_undo;
    QString m_journalPath;
    QString m_journalError;
    QFutureWatcher<SaveOutcome> m_saveWatcher;
    std::vector<geo::FeatureChange> m_saving;
    QFileSystemWatcher m_fileWatcher;
    bool m_changedOnDisk = false;
    /// From save() until its outcome is handled: what the watcher reports meanwhile is ours.
    bool m_ownSave = false;
    /// storeStamp() when this editor last knew what the store holds (its start, its last save,
    /// the user's answer about a change): a watcher report of that same state is not news,
    /// however late it comes on a loaded machine.
    std::string m_knownStamp;
    QFutureWatcher<FindingsRun> m_checkWatcher;
    std::int64_t m_checkFid = 0;
    std::int64_t m_queuedCheck = 0; // asked for while a check ran
    /// The park the checks read, loaded on a worker when editing starts and after each save.
    QFuture<std::shared_ptr<const CheckPark>> m_checkPark;
};

} // namespace parkatlas::desktop
