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

/// Removes a temporary SQLite/GeoPackage file and its -journal, -wal and -shm companions when it
/// goes out of scope, unless release() was called (the file was renamed into place).
class TemporaryDatasetGuard {
public:
    explicit TemporaryDatasetGuard(std::filesystem::path path) : m_path(std::move(path)) {}
    TemporaryDatasetGuard(const TemporaryDatasetGuard&) = delete;
    TemporaryDatasetGuard& operator=(const TemporaryDatasetGuard&) = delete;
    ~TemporaryDatasetGuard();
    void release() { m_armed = false; }

private:
    std::filesystem::path m_path;
    bool m_armed = true;
};

/// Writes `destination` through `write` (text or binary, into a stream) under
/// temporaryPathFor(), flushes it to disk and renames it into place. On any error (a full disk,
/// a file too large, an exception from `write`) the temporary is removed, the old
/// `destination` stays as it was, and IoError names `destination` with the system's reason.
void writeFileAtomically(const std::string& destination,
                         const std::function<void(std::ostream&)>& write);

} // namespace parkatlas::geo
