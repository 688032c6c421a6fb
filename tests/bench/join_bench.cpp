// The table join benchmark (scripts/bench --join): a synthetic park of COUNT parcels and an
// investment ledger of COUNT rows as XLSX (title row, header with units, dates as serial
// numbers and as text, money in 亿元/万元/元, some masked cells, a few keys no parcel has),
// then geo::joinTable of the ledger onto the park, timed alone.
//
//   join_bench generate COUNT DIR    writes DIR/park.gpkg and DIR/ledger.xlsx
//   join_bench join DIR              copies DIR/park.gpkg to DIR/joined.gpkg, joins, prints JSON
//
// Run `join` under /usr/bin/time for the peak memory of the join alone; it also prints its own
// peak RSS (getrusage) and the wall time of joinTable.

#include "geo/gdal_session.h"
#include "geo/io/table_join.h"
#include "geo/issue.h"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>
#include <xlsxwriter.h>

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

using namespace parkatlas;
namespace fs = std::filesystem;

namespace {

std::string parcelId(long i)
{
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "QL%02ld-%06ld", i % 50, i);
    return buffer;
}

int generate(long count, const fs::path& dir)
{
    fs::create_directories(dir);
    const fs::path parkPath = dir / "park.gpkg";
    fs::remove(parkPath);
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
    GDALDatasetUniquePtr park(driver->Create(parkPath.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    OGRSpatialReference srs;
    srs.importFromEPSG(4547);
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    OGRLayer* layer = park->CreateLayer("parcels", &srs, wkbPolygon, nullptr);
    for (const char* name : {"parcel_id", "owner", "agr_start", "act_start"}) {
        OGRFieldDefn field(name, OFTString);
        if (layer->CreateField(&field) != OGRERR_NONE)
            return 1;
    }
    for (const char* name : {"invest_tot", "invested", "tax"}) {
        OGRFieldDefn field(name, OFTReal);
        if (layer->CreateField(&field) != OGRERR_NONE)
            return 1;
    }
    if (park->StartTransaction() != OGRERR_NONE)
        return 1;
    for (long i = 0; i < count; ++i) {
        OGRFeature feature(layer->GetLayerDefn());
        feature.SetField("parcel_id", parcelId(i).c_str());
        feature.SetField("owner", ("企业" + std::to_string(i)).c_str());
        const double x = 38500000.0 + static_cast<double>(i % 300) * 100.0;
        const double y = 3400000.0 + static_cast<double>(i / 300) * 100.0;
        OGRLinearRing ring;
        ring.addPoint(x, y);
        ring.addPoint(x + 90, y);
        ring.addPoint(x + 90, y + 90);
        ring.addPoint(x, y + 90);
        ring.addPoint(x, y);
        OGRPolygon polygon;
        polygon.addRing(&ring);
        feature.SetGeometry(&polygon);
        if (layer->CreateFeature(&feature) != OGRERR_NONE) {
            std::fprintf(stderr, "join_bench: cannot write parcel %ld\n", i);
            return 1;
        }
    }
    if (park->CommitTransaction() != OGRERR_NONE)
        return 1;
    park.reset();

    const fs::path ledgerPath = dir / "ledger.xlsx";
    lxw_workbook_options options = {};
    options.constant_memory = LXW_TRUE;
    lxw_workbook* workbook = workbook_new_opt(ledgerPath.c_str(), &options);
    lxw_worksheet* sheet = workbook_add_worksheet(workbook, "项目台账");
    lxw_format* date = workbook_add_format(workbook);
    format_set_num_format(date, "yyyy-mm-dd");
    worksheet_write_string(sheet, 0, 0, "青鸾湖园区项目台账", nullptr);
    const char* headers[] = {"序号",         "地块编号",           "企业名称",
                             "约定动工日期", "实际开工时间",       "总投资（亿元）",
                             "已完成投资（万元）", "年税收（元）", "备注"};
    for (int c = 0; c < 9; ++c)
        worksheet_write_string(sheet, 1, static_cast<lxw_col_t>(c), headers[c], nullptr);
    // Every 1000th row names a parcel that does not exist.
    for (long i = 0; i < count; ++i) {
        const auto r = static_cast<lxw_row_t>(i + 2);
        worksheet_write_number(sheet, r, 0, static_cast<double>(i + 1), nullptr);
        const std::string key = i % 1000 == 999 ? "NONE-" + std::to_string(i) : parcelId(i);
        worksheet_write_string(sheet, r, 1, key.c_str(), nullptr);
        worksheet_write_string(sheet, r, 2, ("企业" + std::to_string(i)).c_str(), nullptr);
        worksheet_write_number(sheet, r, 3, 44000.0 + static_cast<double>(i % 2000), date);
        const std::string started = std::to_string(2020 + i % 6) + "年" +
                                    std::to_string(1 + i % 12) + "月" +
                                    std::to_string(1 + i % 28) + "日";
        worksheet_write_string(sheet, r, 4, started.c_str(), nullptr);
        worksheet_write_number(sheet, r, 5, 0.5 + static_cast<double>(i % 97) / 10.0, nullptr);
        if (i % 50 == 0)
            worksheet_write_string(sheet, r, 6, "不详", nullptr);
        else
            worksheet_write_string(sheet, r, 6, (std::to_string(1000 + i % 5000) + "万元").c_str(),
                                   nullptr);
        worksheet_write_number(sheet, r, 7, 1.0e6 + static_cast<double>(i % 1000) * 1234.5,
                               nullptr);
        worksheet_write_string(sheet, r, 8, i % 3 == 0 ? "重点项目" : "", nullptr);
    }
    if (workbook_close(workbook) != LXW_NO_ERROR) {
        std::fprintf(stderr, "join_bench: cannot write %s\n", ledgerPath.c_str());
        return 1;
    }
    return 0;
}

int join(const fs::path& dir)
{
    const fs::path joined = dir / "joined.gpkg";
    fs::copy_file(dir / "park.gpkg", joined, fs::copy_options::overwrite_existing);
    GDALDatasetUniquePtr park(GDALDataset::Open(joined.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE,
                                                nullptr, nullptr, nullptr));
    if (!park) {
        std::fprintf(stderr, "join_bench: cannot open %s\n", joined.c_str());
        return 1;
    }
    geo::IssueList issues;
    const auto start = std::chrono::steady_clock::now();
    const geo::JoinReport report =
        geo::joinTable(*park, {(dir / "ledger.xlsx").string(), "parcel_id", "", "", ""}, issues);
    park.reset(); // closing flushes the GeoPackage: part of the join's cost
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    std::printf("{\"rows\": %zu, \"matched\": %zu, \"unmatched\": %zu, \"unparseable\": %zu, "
                "\"join_s\": %.3f, \"peak_rss_mb\": %.1f}\n",
                report.rows, report.matched, report.unmatchedKeys.size(),
                report.unparseable.size(), seconds, static_cast<double>(usage.ru_maxrss) / 1024.0);
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    geo::ensureGdal();
    const std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "generate" && argc == 4)
        return generate(std::atol(argv[2]), argv[3]);
    if (mode == "join" && argc == 3)
        return join(argv[2]);
    std::fprintf(stderr, "usage: join_bench generate COUNT DIR | join_bench join DIR\n");
    return 2;
}
