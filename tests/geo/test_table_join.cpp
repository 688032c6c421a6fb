// Joining ledgers (XLSX written here with libxlsxwriter, CSV in UTF-8 and GBK) onto a copy of
// the sample park: the values written, and the report's contents.

#include "geo/error.h"
#include "geo/gdal_session.h"
#include "geo/io/json_writer.h"
#include "geo/io/table_join.h"
#include "geo/issue.h"
#include "tests/support/scratch_dir.h"

#include <cpl_json.h>
#include <cpl_string.h>
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

using namespace parkatlas::geo;
namespace fs = std::filesystem;
using parkatlas::test::scratch;

namespace {

/// A writable copy of the sample park.
GDALDatasetUniquePtr parkCopy(const fs::path& dir)
{
    ensureGdal();
    const fs::path copy = dir / "park.gpkg";
    fs::copy_file(fs::path(PARKATLAS_SAMPLE_DIR) / "park.gpkg", copy,
                  fs::copy_options::overwrite_existing);
    GDALDatasetUniquePtr park(
        GDALDataset::Open(copy.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, nullptr, nullptr, nullptr));
    EXPECT_TRUE(park);
    return park;
}

/// The parcels with `parcel_id`, as fids (the sample holds QL2016-001 twice).
std::vector<GIntBig> fidsOf(GDALDataset& park, const std::string& parcelId)
{
    OGRLayer* layer = park.GetLayerByName("parcels");
    layer->SetAttributeFilter(("parcel_id = '" + parcelId + "'").c_str());
    std::vector<GIntBig> fids;
    for (auto& feature : *layer)
        fids.push_back(feature->GetFID());
    layer->SetAttributeFilter(nullptr);
    return fids;
}

OGRFeatureUniquePtr parcel(GDALDataset& park, const std::string& parcelId)
{
    const auto fids = fidsOf(park, parcelId);
    EXPECT_EQ(fids.size(), 1u) << parcelId;
    if (fids.empty())
        return nullptr;
    return OGRFeatureUniquePtr(park.GetLayerByName("parcels")->GetFeature(fids.front()));
}

std::optional<std::string> text(OGRFeature& feature, const char* field)
{
    const int i = feature.GetFieldIndex(field);
    EXPECT_GE(i, 0) << field;
    if (i < 0 || !feature.IsFieldSetAndNotNull(i))
        return std::nullopt;
    return std::string(feature.GetFieldAsString(i));
}

std::optional<double> number(OGRFeature& feature, const char* field)
{
    const int i = feature.GetFieldIndex(field);
    EXPECT_GE(i, 0) << field;
    if (i < 0 || !feature.IsFieldSetAndNotNull(i))
        return std::nullopt;
    return feature.GetFieldAsDouble(i);
}

const JoinColumn* columnFor(const JoinReport& report, const std::string& field)
{
    for (const JoinColumn& column : report.columns)
        if (column.field == field)
            return &column;
    return nullptr;
}

/// The investment office's sheet: a merged title row, a two-row header (投资情况 merged over
/// 总投资（亿元） and 已完成投资（万元）; the other header cells merged down two rows), dates as
/// serial numbers and as text, money in 元/万元/亿元, masked cells, a duplicate key, a key no
/// parcel has, a key two parcels share, a row without key and a total row.
void writeLedger(const fs::path& path)
{
    lxw_workbook* workbook = workbook_new(path.c_str());
    lxw_worksheet* sheet = workbook_add_worksheet(workbook, "项目台账");
    lxw_format* date = workbook_add_format(workbook);
    format_set_num_format(date, "yyyy-mm-dd");
    worksheet_merge_range(sheet, 0, 0, 0, 8, "青鸾湖园区项目台账（2026年6月）", nullptr);
    const char* downTwo[] = {"序号", "地块编号", "企业名称", "约定动工日期", "实际开工时间"};
    for (int c = 0; c < 5; ++c)
        worksheet_merge_range(sheet, 1, static_cast<lxw_col_t>(c), 2, static_cast<lxw_col_t>(c),
                              downTwo[c], nullptr);
    worksheet_merge_range(sheet, 1, 5, 1, 6, "投资情况", nullptr);
    worksheet_write_string(sheet, 2, 5, "总投资（亿元）", nullptr);
    worksheet_write_string(sheet, 2, 6, "已完成投资（万元）", nullptr);
    worksheet_merge_range(sheet, 1, 7, 2, 7, "年税收（元）", nullptr);
    worksheet_merge_range(sheet, 1, 8, 2, 8, "联系人", nullptr);

    auto row = [&](lxw_row_t r, int n, const char* key, const char* owner) {
        worksheet_write_number(sheet, r, 0, n, nullptr);
        if (key)
            worksheet_write_string(sheet, r, 1, key, nullptr);
        if (owner)
            worksheet_write_string(sheet, r, 2, owner, nullptr);
    };
    // Row 4: a date cell, a date as text, 1.2 亿元, 3,500万元 in a 万元 column, 8,000,000 元.
    row(3, 1, "QL2011-001", "武汉天通机电设备有限公司");
    lxw_datetime june30 = {2026, 6, 30, 0, 0, 0};
    worksheet_write_datetime(sheet, 3, 3, &june30, date);
    worksheet_write_string(sheet, 3, 4, "2026年6月30日", nullptr);
    worksheet_write_number(sheet, 3, 5, 1.2, nullptr);
    worksheet_write_string(sheet, 3, 6, "3,500万元", nullptr);
    worksheet_write_number(sheet, 3, 7, 8000000, nullptr);
    worksheet_write_string(sheet, 3, 8, "张三", nullptr);
    // Row 5: the key in lower case with a blank; a serial as a number cell without format and
    // as text; masked money.
    row(4, 2, "ql2011-002 ", nullptr);
    worksheet_write_string(sheet, 4, 3, "46203", nullptr);
    worksheet_write_number(sheet, 4, 4, 46203, nullptr);
    worksheet_write_string(sheet, 4, 5, "空", nullptr);
    worksheet_write_string(sheet, 4, 6, "800元", nullptr);
    worksheet_write_string(sheet, 4, 7, "**", nullptr);
    worksheet_write_string(sheet, 4, 8, "-", nullptr);
    // Row 6: a full-width key; 2026/6/30 and a month only; 0.5 亿元; masked.
    row(5, 3, "ＱＬ２０１１－００３", nullptr);
    worksheet_write_string(sheet, 5, 3, "2026/6/30", nullptr);
    worksheet_write_string(sheet, 5, 4, "2026年6月", nullptr);
    worksheet_write_number(sheet, 5, 5, 0.5, nullptr);
    worksheet_write_string(sheet, 5, 6, "—", nullptr);
    worksheet_write_string(sheet, 5, 7, "不详", nullptr);
    // Row 7: a date nobody can read; a cell unit over the header's; 2026.6.30.
    row(6, 4, "QL2011-004", nullptr);
    worksheet_write_string(sheet, 6, 3, "明年春", nullptr);
    worksheet_write_string(sheet, 6, 4, "2026.6.30", nullptr);
    worksheet_write_string(sheet, 6, 5, "1.2亿", nullptr);
    worksheet_write_number(sheet, 6, 6, 100, nullptr);
    worksheet_write_number(sheet, 6, 7, 12345678, nullptr);
    worksheet_write_string(sheet, 6, 8, "xx", nullptr);
    // Rows 8 and 9: the same key twice.
    row(7, 5, "QL2011-005", nullptr);
    worksheet_write_number(sheet, 7, 5, 9, nullptr);
    row(8, 6, "QL2011-005", nullptr);
    worksheet_write_number(sheet, 8, 5, 8, nullptr);
    // Row 10: no such parcel. Row 11: two parcels hold the key. Row 12: no key. Row 13: total.
    row(9, 7, "NOPE-999", nullptr);
    row(10, 8, "QL2016-001", nullptr);
    worksheet_write_number(sheet, 10, 5, 7, nullptr);
    row(11, 9, nullptr, "无名公司");
    worksheet_write_string(sheet, 12, 1, "合计", nullptr);
    worksheet_write_number(sheet, 12, 5, 99, nullptr);
    ASSERT_EQ(workbook_close(workbook), LXW_NO_ERROR);
}

} // namespace

// ---- the cell parsers -----------------------------------------------------------------------

TEST(TableJoinValuesTest, DatesInEveryLedgerFormBecomeIsoText)
{
    EXPECT_EQ(parseLedgerDate("45473").text, "2024-06-30");
    EXPECT_EQ(parseLedgerDate("46203").text, "2026-06-30");
    EXPECT_EQ(parseLedgerDate("46203.75").text, "2026-06-30");
    EXPECT_EQ(parseLedgerDate("2026年6月30日").text, "2026-06-30");
    EXPECT_EQ(parseLedgerDate("2026-06-30").text, "2026-06-30");
    EXPECT_EQ(parseLedgerDate("2026.6.30").text, "2026-06-30");
    EXPECT_EQ(parseLedgerDate("2026/6/30").text, "2026-06-30");
    EXPECT_EQ(parseLedgerDate("2026/06/30 00:00:00").text, "2026-06-30");
    EXPECT_EQ(parseLedgerDate("20260630").text, "2026-06-30");
    EXPECT_EQ(parseLedgerDate("２０２６年６月３０日").text, "2026-06-30");
    const LedgerValue month = parseLedgerDate("2026年6月");
    EXPECT_EQ(month.state, LedgerValue::State::Known);
    EXPECT_EQ(month.text, "2026-06-01");
    EXPECT_TRUE(month.monthOnly);
    EXPECT_FALSE(parseLedgerDate("2026-06-30").monthOnly);
}

TEST(TableJoinValuesTest, MaskedAndBlankCellsAreUnknownNeverZero)
{
    for (const char* cell : {"", "  ", "空", "-", "—", "/", "xx", "**", "不详", "无", "　"}) {
        EXPECT_EQ(parseLedgerDate(cell).state, LedgerValue::State::Unknown) << cell;
        EXPECT_EQ(parseLedgerMoney(cell).state, LedgerValue::State::Unknown) << cell;
        EXPECT_EQ(parseLedgerNumber(cell).state, LedgerValue::State::Unknown) << cell;
    }
    const LedgerValue zero = parseLedgerMoney("0");
    EXPECT_EQ(zero.state, LedgerValue::State::Known);
    EXPECT_EQ(zero.number, 0.0);
}

TEST(TableJoinValuesTest, UnreadableDatesSayWhy)
{
    for (const char* cell : {"明年春", "2026", "30/06/2026", "2026-13-01", "12", "2026年二月"}) {
        const LedgerValue value = parseLedgerDate(cell);
        EXPECT_EQ(value.state, LedgerValue::State::Invalid) << cell;
        EXPECT_FALSE(value.why.empty()) << cell;
    }
}

TEST(TableJoinValuesTest, MoneyInYuanWanAndYiBecomesWan)
{
    EXPECT_EQ(parseLedgerMoney("1.2亿").number, 12000.0);
    EXPECT_EQ(parseLedgerMoney("1.2亿元").number, 12000.0);
    EXPECT_EQ(parseLedgerMoney("3,500万元").number, 3500.0);
    EXPECT_EQ(parseLedgerMoney("3500万").number, 3500.0);
    EXPECT_EQ(parseLedgerMoney("800元").number, 0.08);
    EXPECT_EQ(parseLedgerMoney("¥12.5万").number, 12.5);
    EXPECT_EQ(parseLedgerMoney("３５００").number, 3500.0);
    EXPECT_EQ(parseLedgerMoney("12345678", moneyUnitOfHeader("年税收（元）")).number, 1234.5678);
    EXPECT_EQ(parseLedgerMoney("1.5", moneyUnitOfHeader("总投资（亿元）")).number, 15000.0);
    EXPECT_EQ(parseLedgerMoney("20", moneyUnitOfHeader("已完成投资（万元）")).number, 20.0);
    // The cell's own unit wins over the header's.
    EXPECT_EQ(parseLedgerMoney("800元", moneyUnitOfHeader("总投资（亿元）")).number, 0.08);
    EXPECT_EQ(moneyUnitOfHeader("总投资"), 0.0);
    EXPECT_EQ(parseLedgerMoney("约500万").state, LedgerValue::State::Invalid);
    EXPECT_EQ(parseLedgerMoney("500美元").state, LedgerValue::State::Invalid);
    EXPECT_EQ(parseLedgerMoney("1e308亿").state, LedgerValue::State::Invalid); // not infinity
}

TEST(TableJoinValuesTest, NumbersAndAreasAreLocaleFree)
{
    EXPECT_EQ(parseLedgerNumber("1,234.5").number, 1234.5);
    EXPECT_EQ(parseLedgerNumber("1000㎡", true).number, 1000.0);
    EXPECT_EQ(parseLedgerNumber("1.5公顷", true).number, 15000.0);
    EXPECT_NEAR(parseLedgerNumber("3亩", true).number, 2000.0, 1e-9);
    EXPECT_EQ(parseLedgerNumber("1.2.3").state, LedgerValue::State::Invalid);
    EXPECT_EQ(parseLedgerNumber("nan").state, LedgerValue::State::Invalid);
    EXPECT_EQ(parseLedgerNumber("inf").state, LedgerValue::State::Invalid);
}

TEST(TableJoinValuesTest, KeysAreComparedTrimmedHalfWidthAndCaseInsensitive)
{
    EXPECT_EQ(normalizeJoinKey(" ql２０１１－００１　", true), "QL2011-001");
    EXPECT_EQ(normalizeJoinKey("武汉天通（集团）有限公司", false), "武汉天通(集团)有限公司");
    EXPECT_EQ(normalizeJoinKey("abc", false), "abc");
}

// ---- the join ---------------------------------------------------------------------------------

TEST(TableJoinTest, XlsxLedgerWithTitleAndTwoRowHeaderJoinsOntoParcels)
{
    const fs::path dir = scratch("table_join_xlsx");
    GDALDatasetUniquePtr park = parkCopy(dir);
    const fs::path table = dir / "台账.xlsx";
    writeLedger(table);
    const std::vector<GIntBig> shared = fidsOf(*park, "QL2016-001");
    ASSERT_EQ(shared.size(), 2u);
    const double untouched = *number(*parcel(*park, "QL2011-005"), "invest_tot");

    IssueList issues;
    const JoinReport report = joinTable(*park, {table.string(), "parcel_id", "", "", ""}, issues);

    EXPECT_EQ(report.sheet, "项目台账");
    EXPECT_EQ(report.headerRow, 2);
    EXPECT_EQ(report.headerRows, 2);
    EXPECT_EQ(report.layer, "parcels");
    EXPECT_EQ(report.keyColumn, "地块编号");
    EXPECT_EQ(report.rows, 9u); // rows 4–12; the total row is not a row
    EXPECT_EQ(report.matched, 4u);

    auto first = parcel(*park, "QL2011-001");
    EXPECT_EQ(text(*first, "agr_start"), "2026-06-30");
    EXPECT_EQ(text(*first, "act_start"), "2026-06-30");
    EXPECT_EQ(number(*first, "invest_tot"), 12000.0);
    EXPECT_EQ(number(*first, "invested"), 3500.0);
    EXPECT_EQ(number(*first, "tax"), 800.0);
    EXPECT_EQ(text(*first, "owner"), "武汉天通机电设备有限公司");
    EXPECT_EQ(text(*first, "联系人"), "张三");
    EXPECT_EQ(text(*first, "序号"), "1");

    auto second = parcel(*park, "QL2011-002");
    EXPECT_EQ(text(*second, "agr_start"), "2026-06-30");
    EXPECT_EQ(text(*second, "act_start"), "2026-06-30");
    EXPECT_EQ(number(*second, "invest_tot"), std::nullopt); // 空: unknown, not 0
    EXPECT_EQ(number(*second, "invested"), 0.08);
    EXPECT_EQ(number(*second, "tax"), std::nullopt);
    EXPECT_EQ(text(*second, "联系人"), std::nullopt);
    // An empty owner cell is unknown too: the sample's owner is replaced by null.
    EXPECT_EQ(text(*second, "owner"), std::nullopt);

    auto third = parcel(*park, "QL2011-003");
    EXPECT_EQ(text(*third, "agr_start"), "2026-06-30");
    EXPECT_EQ(text(*third, "act_start"), "2026-06-01");
    EXPECT_EQ(number(*third, "invest_tot"), 5000.0);
    EXPECT_EQ(number(*third, "invested"), std::nullopt);
    EXPECT_EQ(number(*third, "tax"), std::nullopt);

    auto fourth = parcel(*park, "QL2011-004");
    EXPECT_EQ(text(*fourth, "agr_start"), std::nullopt);
    EXPECT_EQ(text(*fourth, "act_start"), "2026-06-30");
    EXPECT_EQ(number(*fourth, "invest_tot"), 12000.0);
    EXPECT_EQ(number(*fourth, "invested"), 100.0);
    EXPECT_EQ(number(*fourth, "tax"), 1234.5678);

    // Neither row of the duplicate key is written.
    EXPECT_EQ(number(*parcel(*park, "QL2011-005"), "invest_tot"), untouched);

    ASSERT_EQ(report.unparseable.size(), 1u);
    EXPECT_EQ(report.unparseable[0].row, 7);
    EXPECT_EQ(report.unparseable[0].column, "约定动工日期");
    EXPECT_EQ(report.unparseable[0].text, "明年春");
    ASSERT_EQ(report.unmatchedKeys.size(), 1u);
    EXPECT_EQ(report.unmatchedKeys[0].key, "NOPE-999");
    EXPECT_EQ(report.unmatchedKeys[0].row, 10);
    ASSERT_EQ(report.rowsWithoutKey.size(), 1u);
    EXPECT_EQ(report.rowsWithoutKey[0], 12);
    ASSERT_EQ(report.duplicateKeys.size(), 2u);
    const auto tableSide =
        std::find_if(report.duplicateKeys.begin(), report.duplicateKeys.end(),
                     [](const JoinDuplicateKey& d) { return d.side == "table"; });
    ASSERT_NE(tableSide, report.duplicateKeys.end());
    EXPECT_EQ(tableSide->key, "QL2011-005");
    EXPECT_EQ(tableSide->rowsOrFids, (std::vector<std::int64_t>{8, 9}));
    const auto layerSide =
        std::find_if(report.duplicateKeys.begin(), report.duplicateKeys.end(),
                     [](const JoinDuplicateKey& d) { return d.side == "layer"; });
    ASSERT_NE(layerSide, report.duplicateKeys.end());
    EXPECT_EQ(layerSide->key, "QL2016-001");
    EXPECT_EQ(layerSide->rowsOrFids, (std::vector<std::int64_t>{shared[0], shared[1]}));
    // Every parcel but the seven the table names has no row.
    const auto parcels = static_cast<std::size_t>(
        park->GetLayerByName("parcels")->GetFeatureCount());
    EXPECT_EQ(report.featuresWithoutRow.size() + report.featuresWithoutKey, parcels - 7);

    // What became what, and the unknown cells per field.
    const JoinColumn* investTotal = columnFor(report, "invest_tot");
    ASSERT_NE(investTotal, nullptr);
    EXPECT_TRUE(investTotal->contract);
    EXPECT_EQ(investTotal->header, "投资情况 / 总投资（亿元）");
    EXPECT_EQ(investTotal->unit, "亿元");
    ASSERT_NE(columnFor(report, "act_start"), nullptr);
    EXPECT_EQ(columnFor(report, "act_start")->header, "实际开工时间");
    ASSERT_NE(columnFor(report, "联系人"), nullptr);
    EXPECT_FALSE(columnFor(report, "联系人")->contract);
    EXPECT_EQ(report.unknownCells.at("invest_tot"), 1u);
    EXPECT_EQ(report.unknownCells.at("invested"), 1u);
    EXPECT_EQ(report.unknownCells.at("tax"), 2u);
    EXPECT_EQ(report.unknownCells.at("联系人"), 3u); // rows 5 (-), 6 (blank), 7 (xx)
    EXPECT_EQ(report.unknownCells.at("owner"), 3u);
    EXPECT_EQ(report.unknownCells.count("agr_start"), 0u);
    EXPECT_EQ(std::count_if(report.notes.begin(), report.notes.end(),
                            [](const std::string& n) { return n.find("month") != n.npos; }),
              1);

    // The issue list has the unreadable cell, naming the file, the sheet and the row.
    const auto all = issues.issues();
    const auto cellIssue = std::find_if(all.begin(), all.end(), [](const Issue& i) {
        return i.message.find("明年春") != std::string::npos;
    });
    ASSERT_NE(cellIssue, all.end());
    EXPECT_EQ(cellIssue->path, table.string());
    EXPECT_EQ(cellIssue->layer, "项目台账");
    EXPECT_EQ(cellIssue->fid, 7);

    // The JSON report holds the same.
    std::ostringstream out;
    {
        JsonWriter json(out);
        writeJoinReport(report, json);
    }
    CPLJSONDocument document;
    ASSERT_TRUE(document.LoadMemory(out.str()));
    const CPLJSONObject root = document.GetRoot();
    EXPECT_EQ(root.GetInteger("matched"), 4);
    EXPECT_EQ(root.GetString("key_column"), "地块编号");
    EXPECT_EQ(root.GetArray("unmatched_keys").Size(), 1);
    EXPECT_EQ(root.GetArray("unmatched_keys")[0].GetString("key"), "NOPE-999");
    EXPECT_EQ(root.GetArray("unparseable")[0].GetString("text"), "明年春");
    EXPECT_EQ(root.GetObj("unknown_cells").GetInteger("tax"), 2);
    EXPECT_EQ(root.GetArray("duplicate_keys").Size(), 2);
}

TEST(TableJoinTest, MissingKeyColumnIsAnErrorNamingFileSheetAndColumn)
{
    const fs::path dir = scratch("table_join_nokey");
    GDALDatasetUniquePtr park = parkCopy(dir);
    const fs::path table = dir / "nokey.xlsx";
    lxw_workbook* workbook = workbook_new(table.c_str());
    lxw_worksheet* sheet = workbook_add_worksheet(workbook, "税收");
    worksheet_write_string(sheet, 0, 0, "企业", nullptr);
    worksheet_write_string(sheet, 0, 1, "年税收", nullptr);
    worksheet_write_string(sheet, 1, 0, "甲公司", nullptr);
    worksheet_write_number(sheet, 1, 1, 12, nullptr);
    ASSERT_EQ(workbook_close(workbook), LXW_NO_ERROR);

    IssueList issues;
    try {
        joinTable(*park, {table.string(), "parcel_id", "", "", ""}, issues);
        FAIL() << "no error";
    } catch (const IoError& error) {
        const std::string what = error.what();
        EXPECT_NE(what.find(table.string()), std::string::npos) << what;
        EXPECT_NE(what.find("税收"), std::string::npos) << what;
        EXPECT_NE(what.find("地块编号"), std::string::npos) << what;
    }
    try {
        joinTable(*park, {table.string(), "parcel_id", "宗地号", "", ""}, issues);
        FAIL() << "no error";
    } catch (const IoError& error) {
        EXPECT_NE(std::string(error.what()).find("宗地号"), std::string::npos) << error.what();
    }
    // Nothing was written.
    EXPECT_EQ(park->GetLayerByName("parcels")->GetLayerDefn()->GetFieldIndex("企业"), -1);
}

TEST(TableJoinTest, HeaderMergedOverTwoColumnsIsAnErrorNamingTheColumn)
{
    const fs::path dir = scratch("table_join_merged");
    GDALDatasetUniquePtr park = parkCopy(dir);
    const fs::path table = dir / "merged.xlsx";
    lxw_workbook* workbook = workbook_new(table.c_str());
    lxw_worksheet* sheet = workbook_add_worksheet(workbook, "Sheet1");
    worksheet_write_string(sheet, 0, 0, "地块编号", nullptr);
    worksheet_merge_range(sheet, 0, 1, 0, 2, "投资", nullptr);
    worksheet_write_string(sheet, 1, 0, "QL2011-001", nullptr);
    worksheet_write_number(sheet, 1, 1, 1, nullptr);
    worksheet_write_number(sheet, 1, 2, 2, nullptr);
    ASSERT_EQ(workbook_close(workbook), LXW_NO_ERROR);
    IssueList issues;
    try {
        joinTable(*park, {table.string(), "parcel_id", "", "", ""}, issues);
        FAIL() << "no error";
    } catch (const IoError& error) {
        const std::string what = error.what();
        EXPECT_NE(what.find("Sheet1"), std::string::npos) << what;
        EXPECT_NE(what.find("column C"), std::string::npos) << what;
        EXPECT_NE(what.find(table.string()), std::string::npos) << what;
    }
}

TEST(TableJoinTest, Utf8CsvWithBomJoinsByOwner)
{
    const fs::path dir = scratch("table_join_csv_utf8");
    GDALDatasetUniquePtr park = parkCopy(dir);
    const fs::path table = dir / "tax.csv";
    std::ofstream(table, std::ios::binary)
        << "\xEF\xBB\xBF"
        << "2025年度纳税情况,,\n"
        << "企业名称,纳税额（万元）,备注\n"
        << "武汉天通机电设备有限公司,\"1,331.5\",\"重点企业, 已核实\"\n"
        << "武汉铭泰光电科技有限公司,不详,\n"
        << "不存在的公司,12,\n";
    IssueList issues;
    const JoinReport report = joinTable(*park, {table.string(), "owner", "", "", ""}, issues);
    EXPECT_EQ(report.headerRow, 2);
    EXPECT_EQ(report.keyColumn, "企业名称");
    EXPECT_NE(report.encoding.find("UTF-8"), std::string::npos) << report.encoding;
    EXPECT_EQ(report.matched, 2u);
    auto first = parcel(*park, "QL2011-001");
    EXPECT_EQ(number(*first, "tax"), 1331.5);
    EXPECT_EQ(text(*first, "备注"), "重点企业, 已核实");
    EXPECT_EQ(number(*parcel(*park, "QL2011-002"), "tax"), std::nullopt);
    ASSERT_EQ(report.unmatchedKeys.size(), 1u);
    EXPECT_EQ(report.unmatchedKeys[0].key, "不存在的公司");
    EXPECT_EQ(report.unmatchedKeys[0].row, 5);
    ASSERT_NE(columnFor(report, "tax"), nullptr);
    EXPECT_EQ(columnFor(report, "tax")->header, "纳税额（万元）");
}

TEST(TableJoinTest, GbkCsvIsDetectedAndJoinsByANamedKeyColumn)
{
    const fs::path dir = scratch("table_join_csv_gbk");
    GDALDatasetUniquePtr park = parkCopy(dir);
    const fs::path table = dir / "ledger.csv";
    const std::string utf8 = "宗地号,约定竣工日期,建筑面积（亩）,停工日期\n"
                             "QL2011-003,2027年12月31日,3,\n"
                             "QL2011-004,46203,1000,2025.1.5\n";
    char* gbk = CPLRecode(utf8.c_str(), CPL_ENC_UTF8, "CP936");
    std::ofstream(table, std::ios::binary) << gbk;
    CPLFree(gbk);
    IssueList issues;
    const JoinReport report =
        joinTable(*park, {table.string(), "parcel_id", "宗地号", "", ""}, issues);
    EXPECT_NE(report.encoding.find("CP936"), std::string::npos) << report.encoding;
    EXPECT_EQ(report.matched, 2u);
    auto third = parcel(*park, "QL2011-003");
    EXPECT_EQ(text(*third, "agr_finish"), "2027-12-31");
    EXPECT_NEAR(*number(*third, "floor_area"), 2000.0, 1e-9); // 3 亩 in m²
    EXPECT_EQ(text(*third, "stopped"), std::nullopt);
    auto fourth = parcel(*park, "QL2011-004");
    EXPECT_EQ(text(*fourth, "agr_finish"), "2026-06-30");
    EXPECT_NEAR(*number(*fourth, "floor_area"), 1000.0 * 10000.0 / 15.0, 1e-6);
    EXPECT_EQ(text(*fourth, "stopped"), "2025-01-05");
    EXPECT_EQ(report.unknownCells.at("stopped"), 1u);
}

TEST(TableJoinTest, CreditCodeKeysMatchWhateverTheCase)
{
    const fs::path dir = scratch("table_join_uscc");
    GDALDatasetUniquePtr park = parkCopy(dir);
    const fs::path table = dir / "uscc.csv";
    std::ofstream(table, std::ios::binary) << "信用代码,年税收\n91420100ma4k2xyz3q,88\n";
    IssueList issues;
    // The sample's parcels have no credit code: a clear error, nothing written.
    try {
        joinTable(*park, {table.string(), "credit_code", "", "", ""}, issues);
        FAIL() << "no error";
    } catch (const IoError& error) {
        EXPECT_NE(std::string(error.what()).find("credit_cd"), std::string::npos) << error.what();
        EXPECT_NE(std::string(error.what()).find("parcels"), std::string::npos) << error.what();
    }
    OGRLayer* layer = park->GetLayerByName("parcels");
    OGRFieldDefn field("统一社会信用代码", OFTString);
    ASSERT_EQ(layer->CreateField(&field), OGRERR_NONE);
    const GIntBig fid = fidsOf(*park, "QL2011-001").front();
    OGRFeatureUniquePtr feature(layer->GetFeature(fid));
    feature->SetField("统一社会信用代码", "91420100MA4K2XYZ3Q");
    ASSERT_EQ(layer->SetFeature(feature.get()), OGRERR_NONE);

    const JoinReport report =
        joinTable(*park, {table.string(), "credit_code", "", "", ""}, issues);
    EXPECT_EQ(report.matched, 1u);
    EXPECT_EQ(report.key, "credit_cd");
    EXPECT_EQ(number(*parcel(*park, "QL2011-001"), "tax"), 88.0);
}

TEST(TableJoinTest, UnreadableWorkbooksAndUnknownKeysAreClearErrors)
{
    const fs::path dir = scratch("table_join_bad");
    GDALDatasetUniquePtr park = parkCopy(dir);
    IssueList issues;
    const fs::path xls = dir / "old.xls";
    std::ofstream(xls, std::ios::binary) << "not a workbook";
    try {
        joinTable(*park, {xls.string(), "parcel_id", "", "", ""}, issues);
        FAIL() << "no error";
    } catch (const IoError& error) {
        EXPECT_NE(std::string(error.what()).find(".xlsx"), std::string::npos) << error.what();
        EXPECT_NE(std::string(error.what()).find(xls.string()), std::string::npos);
    }
    EXPECT_THROW(joinTable(*park, {(dir / "none.xlsx").string(), "parcel_id", "", "", ""},
                           issues),
                 IoError);
    EXPECT_THROW(joinTable(*park, {xls.string(), "land_use", "", "", ""}, issues), Error);
}

TEST(TableJoinTest, UsualLedgerSpellingsOfTheContractNamesAreRecognised)
{
    const fs::path dir = scratch("table_join_spellings");
    GDALDatasetUniquePtr park = parkCopy(dir);
    const fs::path table = dir / "spellings.csv";
    std::ofstream(table, std::ios::binary)
        << "宗地编号,约定开工时间,实际开工时间,完成投资额,税收（万元）,总投资,约定竣工日期,"
           "停工日期,建筑面积（㎡）,供地时间,联系 电话,备注,备注,备注\n"
        << "QL2011-001,2026/1/2,2026/2/3,10,20,30,2027/4/5,2026/6/7,4500,2025/8/9,027-1,a,b,c\n";
    IssueList issues;
    const JoinReport report = joinTable(*park, {table.string(), "parcel_id", "", "", ""}, issues);
    EXPECT_EQ(report.keyColumn, "宗地编号");
    std::vector<std::pair<std::string, std::string>> mapped;
    for (const JoinColumn& column : report.columns)
        mapped.emplace_back(column.header, column.field);
    const std::vector<std::pair<std::string, std::string>> expected = {
        {"约定开工时间", "agr_start"}, {"实际开工时间", "act_start"}, {"完成投资额", "invested"},
        {"税收（万元）", "tax"},       {"总投资", "invest_tot"},      {"约定竣工日期", "agr_finish"},
        {"停工日期", "stopped"},       {"建筑面积（㎡）", "floor_area"}, {"供地时间", "supply_dt"},
        {"联系 电话", "联系_电话"},     {"备注", "备注"},               {"备注", "备注_2"},
        {"备注", "备注_3"}};
    EXPECT_EQ(mapped, expected);
    auto first = parcel(*park, "QL2011-001");
    EXPECT_EQ(text(*first, "agr_start"), "2026-01-02");
    EXPECT_EQ(text(*first, "act_start"), "2026-02-03");
    EXPECT_EQ(number(*first, "invested"), 10.0);
    EXPECT_EQ(number(*first, "tax"), 20.0);
    EXPECT_EQ(number(*first, "invest_tot"), 30.0);
    EXPECT_EQ(text(*first, "agr_finish"), "2027-04-05");
    EXPECT_EQ(text(*first, "stopped"), "2026-06-07");
    EXPECT_EQ(number(*first, "floor_area"), 4500.0);
    EXPECT_EQ(text(*first, "supply_dt"), "2025-08-09");
    EXPECT_EQ(text(*first, "联系_电话"), "027-1");
    EXPECT_EQ(text(*first, "备注_3"), "c");
}

TEST(TableJoinTest, TheSheetWithTheKeyColumnIsFoundAndAWrongSheetNameIsAnError)
{
    const fs::path dir = scratch("table_join_sheets");
    GDALDatasetUniquePtr park = parkCopy(dir);
    const fs::path table = dir / "two-sheets.xlsx";
    lxw_workbook* workbook = workbook_new(table.c_str());
    lxw_worksheet* notes = workbook_add_worksheet(workbook, "填表说明");
    worksheet_write_string(notes, 0, 0, "金额单位：万元", nullptr);
    lxw_worksheet* sheet = workbook_add_worksheet(workbook, "2026年");
    worksheet_write_string(sheet, 0, 0, "地块编号", nullptr);
    worksheet_write_string(sheet, 0, 1, "年税收", nullptr);
    worksheet_write_string(sheet, 1, 0, "QL2011-001", nullptr);
    worksheet_write_number(sheet, 1, 1, 66, nullptr);
    ASSERT_EQ(workbook_close(workbook), LXW_NO_ERROR);
    IssueList issues;
    const JoinReport report = joinTable(*park, {table.string(), "parcel_id", "", "", ""}, issues);
    EXPECT_EQ(report.sheet, "2026年");
    EXPECT_EQ(report.matched, 1u);
    EXPECT_EQ(number(*parcel(*park, "QL2011-001"), "tax"), 66.0);
    try {
        joinTable(*park, {table.string(), "parcel_id", "", "", "2025年"}, issues);
        FAIL() << "no error";
    } catch (const IoError& error) {
        const std::string what = error.what();
        EXPECT_NE(what.find("2025年"), std::string::npos) << what;
        EXPECT_NE(what.find("填表说明"), std::string::npos) << what; // the sheets there are
    }
}
