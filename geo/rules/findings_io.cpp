#include "geo/rules/findings_io.h"

#include "geo/error.h"
#include "geo/gdal_session.h"
#include "geo/io/atomic_file.h"
#include "geo/io/json_writer.h"
#include "geo/io/text_table.h"
#include "geo/rules/compliance.h"
#include "geo/units.h"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <sstream>
#include <system_error>
#include <unistd.h>

namespace parkatlas::geo {

namespace fs = std::filesystem;

std::string idFieldName(const std::string& role)
{
    static const std::map<std::string, std::string> kIds = {
        {"parcels", "parcel_id"},    {"idle_land", "case_id"}, {"plan_zones", "zone_id"},
        {"acquisition", "batch_id"}, {"boundary", "name"},     {"roads", "name"},
        {"pipelines", "name"},       {"facilities", "name"},   {"expansion", "name"},
        {"protected", "name"},
    };
    const auto it = kIds.find(role);
    return it == kIds.end() ? "id" : it->second;
}

namespace {

void writeEvidenceValue(JsonWriter& json, const EvidenceValue& value)
{
    if (const double* number = std::get_if<double>(&value))
        json.value(*number);
    else if (const std::string* text = std::get_if<std::string>(&value))
        json.value(*text);
    else
        json.null();
}

void writeEvidence(JsonWriter& json, const std::vector<Evidence>& evidence)
{
    json.beginObject();
    for (const Evidence& item : evidence) {
        json.key(item.name);
        writeEvidenceValue(json, item.value);
    }
    json.endObject();
}

std::string evidenceJson(const std::vector<Evidence>& evidence)
{
    std::ostringstream out;
    {
        JsonWriter json(out, false);
        writeEvidence(json, evidence);
    }
    return out.str();
}

std::string fidsText(const std::vector<std::int64_t>& fids, const char* separator)
{
    std::string out;
    for (std::int64_t fid : fids) {
        if (!out.empty())
            out.append(separator);
        out.append(std::to_string(fid));
    }
    return out;
}

/// Rules in the order they first appear (the findings come sorted by rule), with the indices of
/// each rule's findings.
std::vector<std::pair<std::string, std::vector<std::size_t>>> groupsByRule(
    const FindingSource& findings)
{
    std::vector<std::pair<std::string, std::vector<std::size_t>>> groups;
    Finding scratch;
    for (std::size_t i = 0; i < findings.size(); ++i) {
        const std::string& rule = findings.at(i, scratch).rule;
        auto it = std::find_if(groups.begin(), groups.end(),
                               [&](const auto& group) { return group.first == rule; });
        if (it == groups.end()) {
            groups.push_back({rule, {}});
            it = groups.end() - 1;
        }
        it->second.push_back(i);
    }
    return groups;
}

} // namespace

void writeFindingsJson(JsonWriter& json, const std::vector<Finding>& findings)
{
    writeFindingsJson(json, FindingList(findings));
}

void writeFindingsJson(JsonWriter& json, const FindingSource& findings)
{
    json.beginArray();
    Finding scratch;
    for (std::size_t i = 0; i < findings.size(); ++i) {
        const Finding& f = findings.at(i, scratch);
        json.beginObject();
        json.field("rule", f.rule);
        json.field("layer", f.layer);
        json.key("fids").beginArray();
        for (std::int64_t fid : f.fids)
            json.value(fid);
        json.endArray();
        json.key(idFieldName(f.layer));
        if (f.featureId.empty())
            json.null();
        else
            json.value(f.featureId);
        json.field("area_mu", f.areaMu);
        json.field("reason", f.reasonZh);
        json.field("reason_en", f.reasonEn);
        json.field("clause", f.clause);
        json.key("evidence");
        writeEvidence(json, f.evidence);
        json.endObject();
    }
    json.endArray();
}

void writeFindingsSummaryJson(JsonWriter& json, const FindingsTotals& totals,
                              const std::vector<std::string>& rulesRun)
{
    auto writeTotal = [&json](const FindingsTotal& total) {
        json.beginObject();
        json.field("count", total.findings);
        json.field("features", total.features);
        // The union of the findings' land: a plot under several findings counts once.
        json.field("area_mu", std::isnan(total.areaMu) ? 0.0 : total.areaMu);
        // Findings with no area of their own (lines, points, ids) are not in area_mu.
        json.field("without_area", total.withoutArea);
        json.field("counted_once", total.countedOnce);
        json.endObject();
    };
    json.key("summary").beginObject();
    std::vector<std::string> rules = rulesRun;
    for (const RuleTotal& entry : totals.byRule)
        if (std::find(rules.begin(), rules.end(), entry.rule) == rules.end())
            rules.push_back(entry.rule);
    for (const std::string& rule : rules) {
        json.key(rule);
        writeTotal(totals.of(rule));
    }
    json.endObject();
    json.key("total");
    writeTotal(totals.measured);
    if (totals.undecided.findings > 0) {
        json.key(kCannotDecide);
        writeTotal(totals.undecided);
    }
}

void writeFindingsTable(std::ostream& out, const std::vector<Finding>& findings,
                        const FindingsTotals& totals, Language language)
{
    writeFindingsTable(out, FindingList(findings), totals, language);
}

void writeFindingsTable(std::ostream& out, const FindingSource& findings,
                        const FindingsTotals& totals, Language language)
{
    using Align = TextTable::Align;
    const bool zh = language == Language::Chinese;
    if (findings.size() == 0) {
        out << (zh ? "无问题。\n" : "No findings.\n");
        return;
    }
    auto column = [language](const char* key) {
        return displayName(NameGroup::Column, key, language);
    };
    // In Chinese the rule's name leads and its id follows in a column of its own, so what a
    // person reads and what --rule, the CSV and the JSON take are side by side.
    auto ruleName = [&](const std::string& rule) {
        return zh ? displayName(NameGroup::Rule, rule, language) : rule;
    };
    auto muText = [](const FindingsTotal& total) {
        return total.withArea > 0 ? formatForDisplay(total.areaMu, 2) : std::string();
    };
    // Only indices per rule stay in memory, and one rule's rows at a time.
    const auto groups = groupsByRule(findings);
    TextTable summary;
    summary.addColumn(zh ? column("rule_name") : "rule");
    if (zh)
        summary.addColumn(column("rule"));
    summary.addColumn(zh ? column("findings") : "findings", Align::Right);
    summary.addColumn(zh ? column("features") : "features", Align::Right);
    summary.addColumn(zh ? column("area_mu") : "亩 (mu)", Align::Right);
    auto summaryRow = [&](std::string name, const std::string& id, const FindingsTotal& total) {
        std::vector<std::string> row = {std::move(name)};
        if (zh)
            row.push_back(id);
        for (std::string cell :
             {std::to_string(total.findings), std::to_string(total.features), muText(total)})
            row.push_back(std::move(cell));
        summary.addRow(row);
    };
    bool anyOverlap = totals.measured.hasOverlaps();
    for (const auto& [rule, group] : groups) {
        if (rule == kCannotDecide)
            continue;
        const FindingsTotal& total = totals.of(rule);
        anyOverlap |= total.hasOverlaps();
        summaryRow(ruleName(rule), rule, total);
    }
    if (totals.measured.findings > 0) {
        summary.addRule();
        summaryRow(zh ? column("total") : "total", "", totals.measured);
    }
    if (totals.undecided.findings > 0)
        summaryRow(zh ? ruleName(kCannotDecide) + "（另列，不计入合计）"
                      : std::string(kCannotDecide) + " (apart, not in the total)",
                   kCannotDecide, totals.undecided);
    summary.render(out);
    if (anyOverlap)
        out << (zh ? "亩：问题所涉土地的面积，同一地块涉及多处问题只计一次（面积之并）\n"
                   : "亩: the land the findings concern, each plot counted once however many "
                     "findings it has (the union of their areas)\n");
    Finding scratch;
    for (const auto& [rule, group] : groups) {
        const FindingsTotal& total = totals.of(rule);
        std::vector<double> mu;
        for (std::size_t index : group)
            mu.push_back(findings.at(index, scratch).areaMu);
        // Without overlaps the shown parts add up to the total (largest remainder); with them
        // each part is rounded on its own and the total is the union.
        const RoundedParts shown = roundPartsForDisplay(mu, 2);
        out << "\n" << (zh ? ruleName(rule) + " " + rule : rule) << " (" << group.size() << ")\n";
        TextTable table;
        table.addColumn(zh ? column("layer") : "layer");
        table.addColumn(zh ? column("fids") : "fid", Align::Right);
        table.addColumn(zh ? column("id") : "id");
        table.addColumn(zh ? column("area_mu") : "亩 (mu)", Align::Right);
        table.addColumn(zh ? column("reason") : "reason");
        for (std::size_t k = 0; k < group.size(); ++k) {
            const Finding& f = findings.at(group[k], scratch);
            table.addRow({zh ? displayName(NameGroup::Role, f.layer, language) : f.layer,
                          fidsText(f.fids, ","), f.featureId,
                          formatForDisplay(total.hasOverlaps() ? f.areaMu : shown.parts[k], 2),
                          f.reasonZh});
        }
        if (shown.unknownCount < group.size()) {
            table.addRule();
            if (total.hasOverlaps())
                table.addRow({zh ? column("total") + "（只计一次）" : "total (counted once)", "",
                              "", formatForDisplay(total.areaMu, 2),
                              zh ? std::to_string(total.countedOnce) + " 处与本规则其他问题重叠"
                                 : std::to_string(total.countedOnce) +
                                       " finding(s) on land another finding of the rule covers"});
            else
                table.addRow(
                    {zh ? column("total") : "total", "", "", formatForDisplay(shown.total, 2), ""});
        }
        table.render(out);
    }
}

void writeFindingsCsv(std::ostream& out, const std::vector<Finding>& findings)
{
    writeFindingsCsv(out, FindingList(findings));
}

void writeFindingsCsv(std::ostream& out, const FindingSource& findings)
{
    // Row by row (writeCsv's format: BOM, quoted where needed, CRLF), so no more than one
    // finding is in memory.
    auto row = [&out](std::initializer_list<std::string_view> cells) {
        bool first = true;
        for (std::string_view cell : cells) {
            if (!first)
                out << ',';
            first = false;
            out << csvField(cell);
        }
        out << "\r\n";
    };
    out << "\xEF\xBB\xBF";
    row({"rule", "layer", "fids", "id", "area_mu", "reason", "reason_en", "clause", "evidence"});
    Finding scratch;
    for (std::size_t i = 0; i < findings.size(); ++i) {
        const Finding& f = findings.at(i, scratch);
        row({f.rule, f.layer, fidsText(f.fids, ";"), f.featureId,
             std::isnan(f.areaMu) ? std::string() : shortestDecimal(f.areaMu), f.reasonZh,
             f.reasonEn, f.clause, evidenceJson(f.evidence)});
    }
}

void writeFindingsGeoPackage(const std::string& path, const std::vector<Finding>& findings,
                             const Crs& crs, bool overwrite)
{
    writeFindingsGeoPackage(path, FindingList(findings), crs, overwrite);
}

void writeFindingsGeoPackage(const std::string& path, const FindingSource& findings,
                             const Crs& crs, bool overwrite)
{
    ensureGdal();
    const fs::path dest = fs::absolute(path);
    std::error_code error;
    if (fs::exists(dest, error) && !overwrite)
        throw IoError("the file exists (not overwritten)", {path, {}, -1, {}});
    if (fs::exists(dest, error) && !fs::is_regular_file(dest, error))
        throw IoError("not a file", {path, {}, -1, {}});
    AtomicOutput output{fs::path(path)};
    const fs::path& temporary = output.path();

    GdalErrorCapture errors;
    auto fail = [&](const std::string& what) {
        const std::string gdal = errors.lastFailure();
        const std::string disk = diskProblemAt(dest);
        throw IoError(what + (disk.empty() ? "" : ": " + disk) + (gdal.empty() ? "" : ": " + gdal),
                      {path, "findings", -1, {}});
    };
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
    if (!driver)
        fail("GDAL has no GeoPackage driver");
    {
        GDALDatasetUniquePtr dataset(
            driver->Create(temporary.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
        if (!dataset)
            fail("cannot create the GeoPackage");
        OGRSpatialReference* srs = crs.isEmpty() ? nullptr : crs.ogr()->Clone();
        if (srs)
            srs->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        char** options = CSLSetNameValue(nullptr, "GEOMETRY_NAME", "geom");
        OGRLayer* layer = dataset->CreateLayer("findings", srs, wkbUnknown, options);
        CSLDestroy(options);
        if (srs)
            srs->Release();
        if (!layer)
            fail("cannot create the layer");
        const std::pair<const char*, OGRFieldType> fields[] = {
            {"rule", OFTString},      {"layer", OFTString},  {"fids", OFTString},
            {"id", OFTString},        {"area_mu", OFTReal},  {"reason", OFTString},
            {"reason_en", OFTString}, {"clause", OFTString}, {"evidence", OFTString},
        };
        for (const auto& [name, type] : fields) {
            OGRFieldDefn field(name, type);
            if (name == std::string("evidence"))
                field.SetSubType(OFSTJSON);
            if (layer->CreateField(&field) != OGRERR_NONE)
                fail(std::string("cannot create the field ") + name);
        }
        if (dataset->StartTransaction() != OGRERR_NONE)
            fail("cannot start a transaction");
        Finding scratch;
        for (std::size_t i = 0; i < findings.size(); ++i) {
            const Finding& f = findings.at(i, scratch);
            OGRFeatureUniquePtr feature(OGRFeature::CreateFeature(layer->GetLayerDefn()));
            feature->SetField("rule", f.rule.c_str());
            feature->SetField("layer", f.layer.c_str());
            feature->SetField("fids", fidsText(f.fids, ",").c_str());
            if (!f.featureId.empty())
                feature->SetField("id", f.featureId.c_str());
            if (!std::isnan(f.areaMu))
                feature->SetField("area_mu", f.areaMu);
            feature->SetField("reason", f.reasonZh.c_str());
            feature->SetField("reason_en", f.reasonEn.c_str());
            feature->SetField("clause", f.clause.c_str());
            feature->SetField("evidence", evidenceJson(f.evidence).c_str());
            if (!f.geometryWkb.empty()) {
                OGRGeometry* geometry = nullptr;
                if (OGRGeometryFactory::createFromWkb(f.geometryWkb.data(), nullptr, &geometry,
                                                      f.geometryWkb.size()) == OGRERR_NONE &&
                    geometry)
                    feature->SetGeometryDirectly(geometry);
            }
            if (layer->CreateFeature(feature.get()) != OGRERR_NONE)
                fail("cannot write a finding");
        }
        if (dataset->CommitTransaction() != OGRERR_NONE)
            fail("cannot commit the findings");
        // GDAL 3.6 has no GDALDataset::Close() returning an error: a failure while closing
        // shows in the capture.
        errors.take();
        dataset.reset();
        for (const GdalErrorCapture::Message& message : errors.messages())
            if (message.failure)
                fail("cannot close the GeoPackage");
    }
    output.commit();
}

} // namespace parkatlas::geo
