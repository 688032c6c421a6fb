// The crash journal of an edit session (geo/store/edit_journal.h).

#include "geo/edit/edit_geometry.h"
#include "geo/error.h"
#include "geo/store/edit_journal.h"
#include "tests/support/scratch_dir.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

using namespace parkatlas::geo;
namespace fs = std::filesystem;

namespace {

fs::path freshDir(const std::string& name)
{
    return parkatlas::test::scratch(name);
}

std::string readText(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void writeText(const fs::path& path, const std::string& text)
{
    std::ofstream(path, std::ios::binary) << text;
}

EditJournal sampleJournal()
{
    EditGeometry square;
    square.kind = GeometryKind::Polygon;
    square.polygons.push_back({{{{500000.125, 3375000}, {500100, 3375000}, {500100, 3375100}}}});

    EditJournal journal;
    journal.store = "/data/园区/park.gpkg";
    journal.layer = "expansion";
    journal.sources = {"/data/园区/park.gpkg", "/data/底图/影像.tif"};
    journal.written = "2026-11-21T11:40:00Z";

    FeatureChange insert;
    insert.kind = FeatureChange::Kind::Insert;
    insert.values = {
        {"name", "东区扩展 \"二期\"\n备注"}, {"land_use", "100101"}, {"note", std::nullopt}};
    insert.geometryWkb = square.toWkb();
    FeatureChange update;
    update.kind = FeatureChange::Kind::Update;
    update.fid = 9007199254740993; // beyond a double's exact integers
    update.baseVersion = -4611686018427387904;
    update.values = {{"owner", std::nullopt}};
    FeatureChange clearGeometry;
    clearGeometry.kind = FeatureChange::Kind::Update;
    clearGeometry.fid = 3;
    clearGeometry.baseVersion = 17;
    clearGeometry.geometryWkb = std::vector<unsigned char>{};
    FeatureChange remove;
    remove.kind = FeatureChange::Kind::Delete;
    remove.fid = 12;
    remove.baseVersion = 2;
    journal.changes = {insert, update, clearGeometry, remove};
    return journal;
}

std::string ioErrorOf(const fs::path& path)
{
    try {
        readJournal(path.string());
    } catch (const IoError& error) {
        return error.what();
    }
    return "(no error)";
}

} // namespace

TEST(EditJournalTest, ChangesComeBackAsTheyWereWrittenWithChineseTextNullsAndWkb)
{
    const fs::path dir = freshDir("edit_journal_round_trip");
    const fs::path path = dir / "expansion.journal.json";
    const EditJournal journal = sampleJournal();
    writeJournal(path.string(), journal);

    const std::string text = readText(path);
    EXPECT_NE(text.find("东区扩展"), std::string::npos); // UTF-8 as it is, readable
    EXPECT_NE(text.find("\"note\": null"), std::string::npos) << text;

    const EditJournal back = readJournal(path.string());
    EXPECT_EQ(back.store, journal.store);
    EXPECT_EQ(back.layer, journal.layer);
    EXPECT_EQ(back.schema, "");
    EXPECT_EQ(back.sources, journal.sources);
    EXPECT_EQ(back.written, journal.written);
    ASSERT_EQ(back.changes.size(), journal.changes.size());
    for (std::size_t i = 0; i < journal.changes.size(); ++i) {
        const FeatureChange& a = journal.changes[i];
        const FeatureChange& b = back.changes[i];
        EXPECT_EQ(a.kind, b.kind) << i;
        EXPECT_EQ(a.fid, b.fid) << i;
        EXPECT_EQ(a.baseVersion, b.baseVersion) << i;
        EXPECT_EQ(a.values, b.values) << i;
        EXPECT_EQ(a.geometryWkb, b.geometryWkb) << i;
    }
    // Geometry kept apart from "no change" (nullopt) and "removed" (empty).
    EXPECT_FALSE(back.changes[1].geometryWkb);
    ASSERT_TRUE(back.changes[2].geometryWkb);
    EXPECT_TRUE(back.changes[2].geometryWkb->empty());
    EXPECT_EQ(EditGeometry::fromWkb(*back.changes[0].geometryWkb).polygons[0].rings[0][0].x,
              500000.125);

    // Written again over the old one, atomically: nothing left beside it.
    EditJournal shorter = journal;
    shorter.changes.resize(1);
    writeJournal(path.string(), shorter);
    EXPECT_EQ(readJournal(path.string()).changes.size(), 1u);
    EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);
}

TEST(EditJournalTest, ABrokenJournalThrowsIoErrorNamingTheFileAndWhatIsWrong)
{
    const fs::path dir = freshDir("edit_journal_broken");
    const fs::path good = dir / "good.json";
    writeJournal(good.string(), sampleJournal());
    const std::string text = readText(good);

    auto expectError = [&](const std::string& name, const std::string& content,
                           const std::string& what) {
        const fs::path path = dir / name;
        writeText(path, content);
        const std::string error = ioErrorOf(path);
        EXPECT_NE(error.find(path.string()), std::string::npos) << error;
        EXPECT_NE(error.find(what), std::string::npos) << error;
    };
    expectError("truncated.json", text.substr(0, text.size() / 2),
                "not valid JSON: it ends early (a truncated file?)");
    expectError("garbage.json", "\x89PNG\r\n\x1a\n", "not valid JSON");
    expectError("empty.json", "", "empty");
    expectError("list.json", "[1, 2]", "not a JSON object");
    expectError("other.json", R"({"format": "something else", "changes": []})",
                "not an edit journal");

    auto edited = [&](const std::string& from, const std::string& to) {
        std::string copy = text;
        const std::size_t at = copy.find(from);
        EXPECT_NE(at, std::string::npos) << from;
        return copy.replace(at, from.size(), to);
    };
    expectError("no_kind.json", edited("\"kind\": \"delete\",", ""),
                "change 4: it has no \"kind\"");
    expectError("bad_kind.json", edited("\"kind\": \"delete\"", "\"kind\": \"drop\""),
                "change 4: the kind \"drop\" is not insert, update or delete");
    expectError("no_fid.json", edited("\"fid\": 12,", ""), "change 4: delete without a feature id");
    expectError("bad_hex.json", edited("\"geometry\": \"01", "\"geometry\": \"0G"),
                "change 1: the geometry is not hex WKB (character 2)");
    expectError("odd_hex.json", edited("\"geometry\": \"01", "\"geometry\": \"1"),
                "change 1: the geometry is not hex WKB (odd length");
    expectError("number_value.json", edited("\"land_use\": \"100101\"", "\"land_use\": 100101"),
                "change 1: the value of field 'land_use' is neither text nor null");
    expectError("no_layer.json", edited("\"layer\": \"expansion\",", ""), "\"layer\" is missing");

    const fs::path missing = dir / "missing.json";
    const std::string error = ioErrorOf(missing);
    EXPECT_NE(error.find(missing.string()), std::string::npos) << error;
    EXPECT_NE(error.find("cannot open the edit journal: No such file"), std::string::npos) << error;
}
