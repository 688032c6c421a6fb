#include "app/report/committee_pack.h"

#include "app/render/page_layout.h"
#include "app/render/park_page.h"
#include "app/render/role_style_book.h"

#include "geo/error.h"
#include "geo/file_paths.h"
#include "geo/io/atomic_file.h"
#include "geo/issue.h"
#include "geo/ledger/indicators.h"
#include "geo/ledger/ledgers.h"
#include "geo/ledger/monitoring.h"
#include "geo/rules/audit.h"
#include "geo/rules/audit_rules.h"
#include "geo/rules/compliance.h"
#include "geo/rules/findings_io.h"
#include "geo/session/park_session.h"
#include "geo/styles.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <optional>

namespace parkatlas::report {

namespace {

/// The TD/T 1029 indicators as a one-table ledger: name, value, unit, 万元/亩, formula, what was
/// unknown and how the standard was read (an unknown value is an empty cell, never 0).
geo::Ledger indicatorLedger(const geo::IndicatorReport& report)
{
    geo::Ledger ledger;
    ledger.kind = "indicators";
    ledger.title = "TD/T 1029 开发区土地集约利用评价指标";
    ledger.park = report.park;
    ledger.notes = report.notes;
    ledger.notes.push_back(std::string("面积方法 area method: ") +
                           geo::toString(report.areaMethod));
    geo::LedgerTable table;
    table.id = "indicators";
    table.title = ledger.title;
    using Kind = geo::LedgerColumn::Kind;
    table.columns = {
        {"indicator", "指标", Kind::Text, 0}, {"value", "值", Kind::Ratio, 2},
        {"unit", "单位", Kind::Text, 0},      {"value_per_mu", "万元/亩", Kind::Ratio, 2},
        {"formula", "公式", Kind::Text, 0},   {"unknowns", "未知", Kind::Text, 0},
        {"reading", "口径", Kind::Text, 0}};
    auto number = [](double value) {
        return std::isnan(value) ? geo::LedgerCell() : geo::LedgerCell(value);
    };
    for (const geo::Indicator& indicator : report.indicators) {
        std::string unknowns;
        for (const std::string& unknown : indicator.unknowns)
            unknowns += (unknowns.empty() ? "" : "；") + unknown;
        table.rows.push_back({indicator.nameZh, number(indicator.value), indicator.unit,
                              number(indicator.valuePerMu), indicator.formula, unknowns,
                              indicator.reading});
    }
    ledger.tables.push_back(std::move(table));
    return ledger;
}

namespace fs = std::filesystem;
using geo::isEmptyDirectory;
using geo::utf8Path;
using geo::pathText;

/// The layer a map cannot do without (none: always drawn).
std::optional<geo::Role> roleNeeded(const std::string& templateName)
{
    if (templateName == "用地现状图")
        return geo::Role::Parcels;
    if (templateName == "规划符合性分析图")
        return geo::Role::PlanZones;
    if (templateName == "闲置土地分布图")
        return geo::Role::IdleLand;
    if (templateName == "征地进度图")
        return geo::Role::Acquisition;
    return std::nullopt;
}

/// `ledger` as NAME.csv (UTF-8 with BOM) and NAME.xlsx in `folder`; its line in the listing.
std::string writeLedgerFiles(const fs::path& folder, const std::string& name,
                             const geo::Ledger& ledger)
{
    geo::writeFileAtomically(pathText(folder / utf8Path(name + ".csv")),
                             [&](std::ostream& csv) { geo::writeLedgerCsv(csv, ledger); });
    geo::writeLedgerXlsx(pathText(folder / utf8Path(name + ".xlsx")), ledger);
    return name + ".csv / " + name + ".xlsx — " + ledger.title;
}

/// `findings` as NAME.csv (UTF-8 with BOM) and NAME.gpkg in `folder`; the start of their line in
/// the listing ("NAME.csv / NAME.gpkg — ").
std::string writeFindingsFiles(const fs::path& folder, const std::string& name,
                               const std::vector<geo::Finding>& findings, const geo::Crs& crs)
{
    geo::writeFileAtomically(pathText(folder / utf8Path(name + ".csv")),
                             [&](std::ostream& csv) { geo::writeFindingsCsv(csv, findings); });
    geo::writeFindingsGeoPackage(pathText(folder / utf8Path(name + ".gpkg")), findings, crs, false);
    return name + ".csv / " + name + ".gpkg — ";
}

void check(const geo::ProgressCallback& progress, double done)
{
    if (progress && !progress(done))
        throw geo::Cancelled();
}

} // namespace

const std::vector<const char*>& committeeTemplates()
{
    static const std::vector<const char*> names = {
        "用地现状图", "规划符合性分析图", "闲置土地分布图", "征地进度图", "道路管网工程进度图"};
    return names;
}

bool isFreeForPack(const std::string& out)
{
    std::error_code error;
    const fs::path path = utf8Path(out);
    return !fs::exists(path, error) || isEmptyDirectory(path);
}

CommitteePackResult writeCommitteePack(geo::ParkSession& session, const std::string& outText,
                                       const CommitteePackOptions& options, geo::IssueSink& issues)
{
    const fs::path out = fs::absolute(utf8Path(outText)).lexically_normal();
    std::error_code error;
    if (fs::exists(out, error) && !fs::is_directory(out, error))
        throw geo::IoError("exists and is not a folder", {outText, {}, -1, {}});
    if (!isFreeForPack(outText) && !options.replace)
        throw geo::IoError("the folder exists and is not empty; not replaced",
                           {outText, {}, -1, {}});

    fs::create_directories(out.parent_path(), error);
    // Written whole beside OUT, then swapped in: the old pack stays until the new one is done.
    geo::AtomicOutput pack(out, geo::AtomicOutput::Kind::Folder);
    const fs::path& staging = pack.path();

    CommitteePackResult result;
    {
        // The whole park (read already, when the caller read it first).
        const std::shared_ptr<const geo::Park> park = session.park({}, issues);
        const render::RoleStyleBook book =
            render::RoleStyleBook::load(render::RoleStyleBook::defaultDirectory());
        // Findings first: the compliance map draws them.
        check(options.progress, 0.0);
        geo::ComplianceOptions checkOptions;
        if (options.progress)
            checkOptions.progress = [&](double done) { return options.progress(0.3 * done); };
        const geo::ComplianceResult compliance = session.check(checkOptions, issues).value;
        if (!options.mapsOnly)
            result.contents.push_back(
                writeFindingsFiles(staging, "findings", compliance.findings, park->crs) +
                "规划符合性检查（" + std::to_string(compliance.findings.size()) + " 处）");
        check(options.progress, 0.35);
        if (park->layer(geo::Role::Parcels) && !options.mapsOnly) {
            geo::AuditOptions audit;
            audit.asOf = options.asOf;
            audit.areaMethod = options.areaMethod;
            const geo::AuditResult audited = session.audit(audit, issues).value;
            result.contents.push_back(
                writeFindingsFiles(staging, "audit", audited.findings, park->crs) +
                "闲置土地认定，截至 " + options.asOf.toIso() + "（" +
                std::to_string(audited.findings.size()) + " 处）");
        }
        check(options.progress, 0.45);
        for (const geo::LedgerKind kind : {geo::LedgerKind::Acquisition, geo::LedgerKind::Idle,
                                           geo::LedgerKind::Works, geo::LedgerKind::Supply}) {
            if (options.mapsOnly)
                break;
            const std::string name = std::string("ledger_") + geo::toString(kind);
            bool present = false;
            for (const geo::Role role : geo::rolesFor(kind))
                present = present || park->layer(role) != nullptr;
            if (!present) {
                result.leftOut.push_back(name + "：园区无所需图层 / the park has no layer for it");
                continue;
            }
            geo::LedgerOptions ledgerOptions;
            ledgerOptions.areaMethod = options.areaMethod;
            geo::Ledger ledger;
            try {
                ledger = session.ledger(kind, ledgerOptions, issues).value;
            } catch (const geo::IoError& missing) {
                result.leftOut.push_back(name + "：" + missing.what());
                continue;
            }
            result.contents.push_back(writeLedgerFiles(staging, name, ledger));
        }

        if (options.period && !options.mapsOnly) {
            geo::SummaryOptions summaryOptions;
            summaryOptions.areaMethod = options.areaMethod;
            const geo::Ledger summary =
                geo::buildWorkSummary(*park, *options.period, options.previous.get(), options.diff,
                                      options.targets, summaryOptions, issues);
            const std::string name = "summary_" + options.period->label;
            result.contents.push_back(writeLedgerFiles(staging, name, summary));
        }
        if (options.monitoring && !options.mapsOnly) {
            const std::string name =
                "monitor_" + std::to_string(options.monitoring->year);
            result.contents.push_back(writeLedgerFiles(
                staging, name, geo::monitoringLedger(*options.monitoring, true, true)));
        }
        if (!options.mapsOnly) {
            // TD/T 1029 开发区土地集约利用评价: the indicators as a table beside the ledgers.
            geo::IndicatorOptions indicatorOptions;
            indicatorOptions.areaMethod = options.areaMethod;
            const geo::Ledger indicators =
                indicatorLedger(geo::computeIndicators(*park, indicatorOptions, issues));
            result.contents.push_back(writeLedgerFiles(staging, "indicators", indicators));
        }

        render::ParkPageOptions pageOptions;
        pageOptions.areaMethod = options.areaMethod;
        pageOptions.findings = &compliance.findings;
        pageOptions.source = options.source;
        const QString styles = render::RoleStyleBook::defaultDirectory();
        int number = 0;
        std::vector<std::string> templates(committeeTemplates().begin(),
                                           committeeTemplates().end());
        if (options.period && options.previous && options.diff) {
            templates.push_back("变化图");
            pageOptions.previous = options.previous;
            pageOptions.diff = options.diff;
        }
        if (options.monitoring) {
            templates.push_back("监测统计图");
            pageOptions.monitoring = options.monitoring;
        }
        const std::size_t mapCount = templates.size();
        for (std::size_t i = 0; i < mapCount; ++i) {
            check(options.progress, 0.5 + 0.5 * static_cast<double>(i) / mapCount);
            const std::string templateName = templates[i];
            if (const auto role = roleNeeded(templateName); role && !park->layer(*role)) {
                result.leftOut.push_back(templateName + "：园区无" + geo::chineseName(*role) +
                                         "图层 / no " + geo::toString(*role) + " layer");
                continue;
            }
            render::PageLayout layout;
            try {
                layout =
                    render::PageLayout::loadTemplate(QString::fromStdString(templateName), styles);
            } catch (const std::runtime_error& error) {
                // The message names the template's file.
                throw geo::IoError(error.what());
            }
            if (!options.organisation.isEmpty())
                layout.organisation = options.organisation;
            if (!options.date.isEmpty())
                layout.date = options.date;
            if (!options.paper.isEmpty())
                layout.paper = options.paper;
            ++number;
            char prefix[16];
            std::snprintf(prefix, sizeof prefix, "%02d_", number);
            const std::string file = prefix + templateName + ".pdf";
            const render::PageRenderer page =
                render::parkPage(park, layout, book, pageOptions, issues);
            const render::PageExportResult exported =
                page.exportTo(QString::fromStdString(pathText(staging / utf8Path(file))),
                              render::PageFormat::Pdf, options.dpi);
            for (const QString& warning : exported.warnings)
                result.warnings.push_back(file + ": " + warning.toStdString());
            result.contents.push_back(file + " — " + page.title().toStdString());
        }

        std::string index = "\xEF\xBB\xBF" + park->name + " — 委员会材料 / committee pack\r\n";
        index += "来源 source: " + options.source +
                 "\r\n面积 area method: " + geo::toString(options.areaMethod) + "\r\n\r\n";
        for (const std::string& line : result.contents)
            index += line + "\r\n";
        if (!result.leftOut.empty()) {
            index += "\r\n未生成 left out:\r\n";
            for (const std::string& line : result.leftOut)
                index += line + "\r\n";
        }
        geo::writeFileAtomically(pathText(staging / utf8Path("清单.txt")),
                                 [&](std::ostream& listing) { listing << index; });
        check(options.progress, 1.0);
    }

    try {
        pack.commit();
    } catch (const geo::IoError& failure) {
        throw geo::IoError(failure.message(), {outText, {}, -1, {}});
    }
    return result;
}

} // namespace parkatlas::report
