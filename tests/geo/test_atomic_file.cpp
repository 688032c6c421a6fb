#include "geo/error.h"
#include "geo/io/atomic_file.h"
#include "tests/support/scratch_dir.h"

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace parkatlas::geo;
namespace fs = std::filesystem;
using parkatlas::test::fileBytes;
using parkatlas::test::scratch;

namespace {

void writeBytes(const fs::path& path, const std::string& bytes)
{
    std::ofstream(path, std::ios::binary) << bytes;
}

std::vector<std::string> namesIn(const fs::path& folder)
{
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(folder))
        names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

/// RLIMIT_FSIZE for the test's own process, with SIGXFSZ ignored: writes past `bytes` fail
/// with EFBIG, as they do on a full disk. Restored on destruction.
class FileSizeLimit {
public:
    explicit FileSizeLimit(rlim_t bytes)
    {
        getrlimit(RLIMIT_FSIZE, &m_old);
        m_oldHandler = signal(SIGXFSZ, SIG_IGN);
        rlimit limit{bytes, m_old.rlim_max};
        setrlimit(RLIMIT_FSIZE, &limit);
    }
    ~FileSizeLimit()
    {
        setrlimit(RLIMIT_FSIZE, &m_old);
        signal(SIGXFSZ, m_oldHandler);
    }

private:
    rlimit m_old{};
    sighandler_t m_oldHandler;
};

} // namespace

TEST(AtomicFileTest, TemporaryNameIsHiddenBesideTheDestinationWithItsExtension)
{
    const fs::path temporary = temporaryPathFor("out/ledger.xlsx");
    EXPECT_EQ(temporary.parent_path(), fs::path("out"));
    EXPECT_EQ(temporary.filename().string(),
              ".ledger.partial-" + std::to_string(::getpid()) + ".xlsx");
}

TEST(AtomicFileTest, WritesTheWholeFileUnderItsName)
{
    const fs::path dir = scratch("atomic-write");
    writeFileAtomically((dir / "a.csv").string(), [](std::ostream& out) { out << "x,y\n1,2\n"; });
    EXPECT_EQ(fileBytes(dir / "a.csv"), "x,y\n1,2\n");
    EXPECT_EQ(namesIn(dir), std::vector<std::string>{"a.csv"});
}

TEST(AtomicFileTest, WriterThatThrowsLeavesTheOldFileAndNoTemporary)
{
    const fs::path dir = scratch("atomic-throw");
    writeBytes(dir / "a.csv", "old");
    EXPECT_THROW(writeFileAtomically((dir / "a.csv").string(),
                                     [](std::ostream& out) {
                                         out << "half";
                                         throw IoError("cancelled half way");
                                     }),
                 IoError);
    EXPECT_EQ(fileBytes(dir / "a.csv"), "old");
    EXPECT_EQ(namesIn(dir), std::vector<std::string>{"a.csv"});
}

TEST(AtomicFileTest, FullDiskIsReportedNamingTheFileAndTheOldOneIsKept)
{
    const fs::path dir = scratch("atomic-full");
    writeBytes(dir / "a.csv", "old");
    std::string message;
    {
        FileSizeLimit limit(1024);
        try {
            writeFileAtomically((dir / "a.csv").string(),
                                [](std::ostream& out) { out << std::string(4096, 'x'); });
        } catch (const IoError& error) {
            message = error.what();
        }
    }
    EXPECT_NE(message.find("a.csv"), std::string::npos) << message;
    EXPECT_NE(message.find("too large"), std::string::npos) << message;
    EXPECT_EQ(fileBytes(dir / "a.csv"), "old");
    EXPECT_EQ(namesIn(dir), std::vector<std::string>{"a.csv"});
}

TEST(AtomicFileTest, StaleTemporariesOfDeadProcessesAreRemovedOthersKept)
{
    const fs::path dir = scratch("atomic-stale");
    // PID 999999999 is above any kernel's pid_max (at most 2^22): no such process. Our own
    // PID is alive.
    const std::string dead = ".x.partial-999999999.gpkg";
    const std::string alive = ".x.partial-" + std::to_string(::getpid()) + ".gpkg";
    writeBytes(dir / dead, "killed run");
    writeBytes(dir / (dead + "-journal"), "its journal");
    fs::create_directory(dir / ".x.partial-999999999");
    writeBytes(dir / alive, "a run in progress");
    writeBytes(dir / ".y.partial-999999999.gpkg", "another file's");
    writeBytes(dir / "x.gpkg", "the destination");
    removeStaleTemporaries(dir / "x.gpkg");
    EXPECT_EQ(namesIn(dir),
              (std::vector<std::string>{alive, ".y.partial-999999999.gpkg", "x.gpkg"}));
}
