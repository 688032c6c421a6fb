#include "geo/io/atomic_file.h"

#include "geo/error.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

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

void writeFileAtomically(const std::string& destination,
                         const std::function<void(std::ostream&)>& write)
{
    const fs::path dest(destination);
    removeStaleTemporaries(dest);
    std::ostringstream buffer;
    write(buffer);
    const std::string bytes = std::move(buffer).str();

    const fs::path temporary = temporaryPathFor(dest);
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
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
    if (error == 0 && ::fsync(fd) != 0)
        error = errno;
    if (::close(fd) != 0 && error == 0)
        error = errno;
    std::error_code ec;
    if (error != 0) {
        fs::remove(temporary, ec);
        throw IoError("cannot write: " + systemReason(error) + " (the old file, if any, is kept)",
                      {destination, {}, -1, {}});
    }
    fs::rename(temporary, dest, ec);
    if (ec) {
        fs::remove(temporary, ec);
        throw IoError("cannot move the finished file into place: " + ec.message(),
                      {destination, {}, -1, {}});
    }
}

TemporaryDatasetGuard::~TemporaryDatasetGuard()
{
    if (!m_armed)
        return;
    std::error_code ignored;
    for (const char* suffix : {"", "-journal", "-wal", "-shm"})
        std::filesystem::remove(std::filesystem::path(m_path.string() + suffix), ignored);
}

} // namespace parkatlas::geo
