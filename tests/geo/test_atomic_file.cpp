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

TEST(AtomicFileTest, AFolderIsSwappedInWholeAndTheOldOneStaysUntilThen)
{
    const fs::path dir = scratch("atomic-folder");
    fs::create_directory(dir / "pack");
    writeBytes(dir / "pack" / "old.csv", "old");
    writeBytes(dir / "pack" / "kept-name.csv", "old");
    {
        AtomicOutput pack(dir / "pack", AtomicOutput::Kind::Folder);
        EXPECT_EQ(pack.path().parent_path(), dir);
        EXPECT_EQ(pack.path().filename().string().rfind(".pack.partial-", 0), 0u);
        writeBytes(pack.path() / "kept-name.csv", "new");
        fs::create_directory(pack.path() / "maps");
        writeBytes(pack.path() / "maps" / "01.pdf", "new map");
        // Not committed yet: the old folder is whole.
        EXPECT_EQ(namesIn(dir / "pack"), (std::vector<std::string>{"kept-name.csv", "old.csv"}));
        EXPECT_EQ(fileBytes(dir / "pack" / "kept-name.csv"), "old");
        pack.commit();
    }
    EXPECT_EQ(namesIn(dir / "pack"), (std::vector<std::string>{"kept-name.csv", "maps"}));
    EXPECT_EQ(fileBytes(dir / "pack" / "kept-name.csv"), "new");
    EXPECT_EQ(fileBytes(dir / "pack" / "maps" / "01.pdf"), "new map");
    EXPECT_EQ(namesIn(dir), std::vector<std::string>{"pack"});

    // Into a folder that does not exist yet, and over an empty one.
    {
        AtomicOutput fresh(dir / "fresh", AtomicOutput::Kind::Folder);
        writeBytes(fresh.path() / "a.txt", "a");
        fresh.commit();
    }
    fs::create_directory(dir / "empty");
    {
        AtomicOutput empty(dir / "empty", AtomicOutput::Kind::Folder);
        writeBytes(empty.path() / "b.txt", "b");
        empty.commit();
    }
    EXPECT_EQ(fileBytes(dir / "fresh" / "a.txt"), "a");
    EXPECT_EQ(fileBytes(dir / "empty" / "b.txt"), "b");
    EXPECT_EQ(namesIn(dir), (std::vector<std::string>{"empty", "fresh", "pack"}));
}

TEST(AtomicFileTest, AFolderWhoseWriteFailsMidwayLeavesTheOldFolderAndNoTemporary)
{
    const fs::path dir = scratch("atomic-folder-fail");
    fs::create_directory(dir / "pack");
    writeBytes(dir / "pack" / "findings.csv", "old findings");
    std::string message;
    try {
        AtomicOutput pack(dir / "pack", AtomicOutput::Kind::Folder);
        writeFileAtomically((pack.path() / "findings.csv").string(),
                            [](std::ostream& out) { out << "new findings"; });
        // The second file meets a full disk (the size limit stands in for it).
        FileSizeLimit limit(1024);
        writeFileAtomically((pack.path() / "ledger.csv").string(),
                            [](std::ostream& out) { out << std::string(4096, 'x'); });
        pack.commit();
    } catch (const IoError& error) {
        message = error.what();
    }
    EXPECT_NE(message.find("ledger.csv"), std::string::npos) << message;
    EXPECT_NE(message.find("too large"), std::string::npos) << message;
    EXPECT_EQ(namesIn(dir), std::vector<std::string>{"pack"});
    EXPECT_EQ(namesIn(dir / "pack"), std::vector<std::string>{"findings.csv"});
    EXPECT_EQ(fileBytes(dir / "pack" / "findings.csv"), "old findings");
}

TEST(AtomicFileTest, AFileWrittenByPathIsPlacedOnCommitAndRemovedWithItsCompanionsOtherwise)
{
    const fs::path dir = scratch("atomic-by-path");
    writeBytes(dir / "x.gpkg", "old");
    {
        AtomicOutput output(dir / "x.gpkg");
        EXPECT_EQ(output.path().extension(), ".gpkg");
        writeBytes(output.path(), "half a database");
        writeBytes(output.path().string() + "-wal", "its log");
        writeBytes(output.path().string() + "-journal", "its journal");
        // No commit: an exception went past.
    }
    EXPECT_EQ(namesIn(dir), std::vector<std::string>{"x.gpkg"});
    EXPECT_EQ(fileBytes(dir / "x.gpkg"), "old");

    // A shapefile's parts move with it; a part the new one lacks is removed.
    writeBytes(dir / "roads.shp", "old shp");
    writeBytes(dir / "roads.dbf", "old dbf");
    writeBytes(dir / "roads.cpg", "old cpg");
    {
        AtomicOutput output(dir / "roads.shp");
        fs::path part = output.path();
        writeBytes(part, "new shp");
        writeBytes(part.replace_extension(".dbf"), "new dbf");
        writeBytes(part.replace_extension(".shx"), "new shx");
        output.commit();
    }
    EXPECT_EQ(namesIn(dir),
              (std::vector<std::string>{"roads.dbf", "roads.shp", "roads.shx", "x.gpkg"}));
    EXPECT_EQ(fileBytes(dir / "roads.shp"), "new shp");
    EXPECT_EQ(fileBytes(dir / "roads.dbf"), "new dbf");

    // A file cannot take the place of a folder: an error naming it, the folder as it was.
    fs::create_directories(dir / "blocked.gpkg" / "inner");
    try {
        AtomicOutput output(dir / "blocked.gpkg");
        writeBytes(output.path(), "data");
        output.commit();
        ADD_FAILURE() << "no error";
    } catch (const IoError& error) {
        EXPECT_NE(std::string(error.what()).find("blocked.gpkg"), std::string::npos);
        EXPECT_NE(std::string(error.what()).find("into place"), std::string::npos);
    }
    EXPECT_TRUE(fs::is_directory(dir / "blocked.gpkg" / "inner"));
    EXPECT_EQ(namesIn(dir), (std::vector<std::string>{"blocked.gpkg", "roads.dbf", "roads.shp",
                                                      "roads.shx", "x.gpkg"}));
}
