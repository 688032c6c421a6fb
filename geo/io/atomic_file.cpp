#include "geo/io/atomic_file.h"

#include "geo/ascii.h"
#include "geo/error.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <stdio.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <sstream>
#include <vector>

namespace parkatlas::geo {

namespace fs = std::filesystem;

namespace {

constexpr const char* kPartial = ".partial-";

std::string systemReason(int error)
{
    if (error == ENOSPC)
        return "the disk is full";
    if (error == EFBIG)
        return "the file is too large for this file system or this process's limit";
    if (error == EDQUOT)
        return "the disk quota is exhausted";
    return std::strerror(error);
}

/// fsync of one file or folder; errno on failure, 0 on success.
int syncOne(const fs::path& path, bool folder)
{
    const int fd = ::open(path.c_str(), (folder ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
    if (fd < 0)
        return errno;
    const int rc = ::fsync(fd);
    const int error = rc == 0 ? 0 : errno;
    ::close(fd);
    // Some file systems cannot sync a folder (EINVAL): that is not a write error.
    return folder && error == EINVAL ? 0 : error;
}

bool processAlive(long pid)
{
    if (pid <= 0)
        return false;
    return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

} // namespace

std::string diskProblemAt(const fs::path& destination)
{
    const fs::path parent = destination.has_parent_path() ? destination.parent_path() : ".";
    const fs::path probe = parent / (".parkatlas-probe-" + std::to_string(::getpid()));
    const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return errno == ENOSPC || errno == EDQUOT ? systemReason(errno) : std::string();
    const std::string block(64 * 1024, '\0');
    int error = 0;
    for (int i = 0; i < 16 && error == 0; ++i)
        if (::write(fd, block.data(), block.size()) < 0)
            error = errno;
    if (error == 0 && ::fsync(fd) != 0)
        error = errno;
    ::close(fd);
    ::unlink(probe.c_str());
    return error == ENOSPC || error == EFBIG || error == EDQUOT ? systemReason(error)
                                                                : std::string();
}

fs::path temporaryPathFor(const fs::path& destination)
{
    const fs::path parent = destination.has_parent_path() ? destination.parent_path() : ".";
    std::string name = ".";
    name += destination.stem().string();
    name += kPartial + std::to_string(::getpid());
    name += destination.extension().string();
    return parent / name;
}

void removeStaleTemporaries(const fs::path& destination)
{
    const fs::path parent = destination.has_parent_path() ? destination.parent_path() : ".";
    std::string prefix = ".";
    prefix += destination.stem().string();
    prefix += kPartial;
    std::error_code ec;
    std::vector<fs::path> stale;
    for (fs::directory_iterator it(parent, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.compare(0, prefix.size(), prefix) != 0)
            continue;
        const std::string rest = name.substr(prefix.size());
        std::size_t digits = 0;
        while (digits < rest.size() && std::isdigit(static_cast<unsigned char>(rest[digits])))
            ++digits;
        if (digits == 0 || digits > 9)
            continue;
        if (!processAlive(std::stol(rest.substr(0, digits))))
            stale.push_back(it->path());
    }
    for (const fs::path& path : stale)
        fs::remove_all(path, ec);
}

void syncToDisk(const fs::path& path)
{
    std::error_code ec;
    int error = 0;
    if (fs::is_directory(path, ec)) {
        for (const auto& entry : fs::recursive_directory_iterator(path, ec))
            if (entry.is_regular_file(ec) && (error = syncOne(entry.path(), false)) != 0)
                break;
        if (error == 0)
            error = syncOne(path, true);
    } else {
        error = syncOne(path, false);
    }
    if (error != 0)
        throw IoError("cannot write: " + systemReason(error), {path.string(), {}, -1, {}});
}

namespace {

/// The other parts of a shapefile, written and moved with its .shp.
constexpr const char* kShapefileSidecars[] = {".shx", ".dbf", ".prj", ".cpg", ".qix"};

bool isShapefile(const fs::path& path)
{
    return lowerAscii(path.extension().string()) == ".shp";
}

/// `path` with extension `lowerExt`, in the letter case of path's own extension.
fs::path withExtensionLike(const fs::path& path, const std::string& lowerExt)
{
    const std::string own = path.extension().string();
    bool upper = own.size() > 1;
    for (std::size_t i = 1; i < own.size(); ++i)
        upper = upper && std::isupper(static_cast<unsigned char>(own[i])) != 0;
    std::string ext = lowerExt;
    if (upper)
        for (char& c : ext)
            c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    fs::path result = path;
    result.replace_extension(ext);
    return result;
}

fs::path parentOf(const fs::path& path)
{
    return path.has_parent_path() ? path.parent_path() : fs::path(".");
}

} // namespace

AtomicOutput::AtomicOutput(fs::path destination, Kind kind, const std::string& temporaryExtension)
    : m_destination(std::move(destination)), m_kind(kind)
{
    removeStaleTemporaries(m_destination);
    m_path = temporaryPathFor(m_destination);
    if (!temporaryExtension.empty())
        m_path.replace_extension(temporaryExtension);
    if (m_kind == Kind::Folder) {
        std::error_code ec;
        fs::remove_all(m_path, ec); // this process's own, from an output given up on
        if (!fs::create_directory(m_path, ec) || ec)
            throw IoError("cannot create a folder beside it: " +
                              (ec ? systemReason(ec.value()) : std::string("it exists")),
                          {m_destination.string(), {}, -1, {}});
    }
}

AtomicOutput::~AtomicOutput()
{
    if (!m_committed)
        removeTemporary();
}

void AtomicOutput::removeTemporary() noexcept
{
    std::error_code ignored;
    fs::remove_all(m_path, ignored);
    if (m_kind == Kind::Folder)
        return;
    for (const char* suffix : {"-journal", "-wal", "-shm"})
        fs::remove(fs::path(m_path.string() + suffix), ignored);
    if (isShapefile(m_path))
        for (const char* ext : kShapefileSidecars)
            fs::remove(withExtensionLike(m_path, ext), ignored);
}

void AtomicOutput::commit()
{
    const std::string destination = m_destination.string();
    auto fail = [&](const std::string& what) {
        removeTemporary();
        throw IoError(what, {destination, {}, -1, {}});
    };
    std::error_code ec;
    // On the disk before it gets its final name (a full disk can surface only here).
    std::vector<fs::path> parts;
    if (m_kind == Kind::File && isShapefile(m_path))
        for (const char* ext : kShapefileSidecars)
            if (fs::exists(withExtensionLike(m_path, ext), ec))
                parts.push_back(withExtensionLike(m_path, ext));
    try {
        syncToDisk(m_path);
        for (const fs::path& part : parts)
            syncToDisk(part);
    } catch (const IoError& error) {
        fail(error.message() + " (the old output, if any, is kept)");
    }

    if (m_kind == Kind::File) {
        if (isShapefile(m_path)) {
            // The .shp goes last, so a reader never sees a new .shp with an old .dbf; parts
            // the new shapefile lacks are removed.
            for (const char* ext : kShapefileSidecars) {
                const fs::path from = withExtensionLike(m_path, ext);
                const fs::path to = withExtensionLike(m_destination, ext);
                if (fs::exists(from, ec))
                    fs::rename(from, to, ec);
                else
                    fs::remove(to, ec);
                if (ec)
                    fail("cannot move the finished file into place: " + ec.message());
            }
        }
        fs::rename(m_path, m_destination, ec);
        if (ec)
            fail("cannot move the finished file into place: " + ec.message());
    } else {
        // A missing or empty folder is replaced by a rename; a full one is swapped in one step.
        bool placed = false;
        if (!fs::exists(m_destination, ec) || fs::is_empty(m_destination, ec)) {
            fs::rename(m_path, m_destination, ec);
            placed = !ec;
            if (ec && ec != std::errc::directory_not_empty && ec != std::errc::file_exists)
                fail("cannot move the finished folder into place: " + ec.message());
        }
        if (!placed) {
            if (!fs::is_directory(m_destination, ec))
                fail("exists and is not a folder");
            if (::renameat2(AT_FDCWD, m_path.c_str(), AT_FDCWD, m_destination.c_str(),
                            RENAME_EXCHANGE) == 0) {
                // m_path now holds the old folder.
                fs::remove_all(m_path, ec);
            } else {
                // A file system without the exchange: the old folder goes aside (a hidden name
                // the next run clears if this one is killed) and comes back if the new one
                // cannot follow.
                const fs::path aside = fs::path(m_path.string() + ".old");
                fs::rename(m_destination, aside, ec);
                if (ec)
                    fail("cannot move the old folder aside: " + ec.message());
                fs::rename(m_path, m_destination, ec);
                if (ec) {
                    const std::string reason = ec.message();
                    fs::rename(aside, m_destination, ec);
                    fail("cannot move the finished folder into place: " + reason);
                }
                fs::remove_all(aside, ec);
            }
        }
    }
    m_committed = true;
    // The rename itself on the disk: a sync of the folder that holds the name.
    syncOne(parentOf(m_destination), true);
}

void writeFileAtomically(const std::string& destination,
                         const std::function<void(std::ostream&)>& write)
{
    std::ostringstream buffer;
    write(buffer);
    const std::string bytes = std::move(buffer).str();

    AtomicOutput output{fs::path(destination)};
    const int fd = ::open(output.path().c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0)
        throw IoError("cannot write: " + systemReason(errno), {destination, {}, -1, {}});
    int error = 0;
    for (std::size_t written = 0; written < bytes.size() && error == 0;) {
        const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
        if (n < 0 && errno != EINTR)
            error = errno;
        else if (n > 0)
            written += static_cast<std::size_t>(n);
    }
    if (::close(fd) != 0 && error == 0)
        error = errno;
    if (error != 0)
        throw IoError("cannot write: " + systemReason(error) + " (the old file, if any, is kept)",
                      {destination, {}, -1, {}});
    output.commit();
}

} // namespace parkatlas::geo
