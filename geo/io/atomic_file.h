#pragma once

#include <filesystem>
#include <functional>
#include <iosfwd>
#include <string>

namespace parkatlas::geo {

/// The hidden temporary name a file (or folder) `destination` is written under before it is
/// renamed into place: ".NAME.partial-PID" + extension, beside it (same file system, so the
/// rename is atomic). The extension is kept so that GDAL picks the right driver and names a
/// shapefile's sidecars after it. A run that is killed leaves at most such a hidden name, never
/// a half-written file under the final one; removeStaleTemporaries() clears them later.
std::filesystem::path temporaryPathFor(const std::filesystem::path& destination);

/// Removes the hidden temporaries (temporaryPathFor, and a shapefile's sidecars and SQLite
/// journals beside them) that earlier runs writing `destination` left when they were killed:
/// those whose process no longer exists. Quiet; never throws.
void removeStaleTemporaries(const std::filesystem::path& destination);

/// Flushes a finished file (or every file of a finished folder) to the disk, so that the rename
/// that follows never exposes an empty or partial file after a crash. Throws IoError naming
/// `path` when the system reports a write error (a full disk can surface only here).
void syncToDisk(const std::filesystem::path& path);

/// After a write into `destination`'s folder failed somewhere a library does not say why (GDAL,
/// SQLite, a zip writer): "the disk is full", "the file is too large for …" when writing a
/// probe of 1 MB beside it fails so, else "". The probe is removed.
std::string diskProblemAt(const std::filesystem::path& destination);

/// The one way an output reaches its final name, a file or a whole folder: it is written in
/// full under temporaryPathFor(destination) (hidden, beside it, on the same file system), then
/// commit() flushes it to the disk and moves it into place. Until commit() the old output, if
/// any, is untouched and whole; when commit() is not reached (an exception, a cancel) or fails,
/// the temporary and everything a library wrote beside it (SQLite's -journal, -wal and -shm, a
/// shapefile's other parts) are removed. A run that is killed leaves at most hidden names that
/// the next run writing the same destination removes (removeStaleTemporaries, called here).
///
/// Writers that write by path (GDAL, libxlsxwriter, Qt's PDF writer) write to path(); a folder
/// is created, empty, by the constructor, and may hold anything. Not thread-safe; one per output.
class AtomicOutput {
public:
    enum class Kind { File, Folder };

    /// `temporaryExtension` replaces the destination's on the temporary where a library picks
    /// its driver or warns by it (".gpkg" for a GeoPackage named otherwise, a lower-case one).
    explicit AtomicOutput(std::filesystem::path destination, Kind kind = Kind::File,
                          const std::string& temporaryExtension = {});
    ~AtomicOutput();
    AtomicOutput(const AtomicOutput&) = delete;
    AtomicOutput& operator=(const AtomicOutput&) = delete;

    /// Where to write: the temporary.
    const std::filesystem::path& path() const { return m_path; }
    const std::filesystem::path& destination() const { return m_destination; }

    /// Flushes the temporary (every file of a folder) to the disk, then moves it into place:
    /// a file by one rename over the old one (a shapefile's parts first, its .shp last, and
    /// parts the new one lacks removed); a folder by swapping it with the old one in one step
    /// (renameat2 RENAME_EXCHANGE; where the file system cannot, the old folder is moved aside
    /// first and back again if the new one cannot follow), the old one removed afterwards.
    /// Throws IoError naming the destination with the system's reason; the temporary is
    /// removed then and the old output stays as it was.
    void commit();

private:
    void removeTemporary() noexcept;

    std::filesystem::path m_destination;
    std::filesystem::path m_path;
    Kind m_kind;
    bool m_committed = false;
};

/// Writes `destination` through `write` (text or binary, into a stream) under
/// temporaryPathFor(), flushes it to disk and renames it into place. On any error (a full disk,
/// a file too large, an exception from `write`) the temporary is removed, the old
/// `destination` stays as it was, and IoError names `destination` with the system's reason.
void writeFileAtomically(const std::string& destination,
                         const std::function<void(std::ostream&)>& write);

} // namespace parkatlas::geo
