#include "geo/diff/diff_io.h"

#include "geo/error.h"
#include "geo/gdal_session.h"
#include "geo/io/atomic_file.h"
#include "geo/io/json_writer.h"
#include "geo/io/text_table.h"
#include "geo/model/geos_context.h"
#include "geo/model/park.h"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <cmath>
#include <filesystem>
#include <sstream>

namespace fs = std::filesystem;

namespace parkatlas::geo {

namespace {

void writeValue(JsonWriter& json, const DiffValue& value)
{
    if (const double* d = std::get_if<double>(&value))
        json.value(*d);
    else if (const std::string* s = std::get_if<std::string>(&value))
        json.value(*s);
    else
        json.null();
}

void writeNumberOrNull(JsonWriter& json, double value)
{
    if (std::isfinite(value))
        json.value(value);
    else
        json.null();
}

void writeIdArray(JsonWriter& json, const std::vector<std::string>& ids)
{
    json.beginArray();
    for (const std::string& id : ids)
        if (id.empty())
            json.null();
        else
            json.value(id);
    json.endArray();
}

void writeFidArray(JsonWriter& json, const std::vector<std::int64_t>& fids)
{
    json.beginArray();
    for (std::int64_t fid : fids)
        json.value(fid);
    json.endArray();
}

void writeItem(JsonWriter& json, const DiffItem& item, bool lines)
{
    json.beginObject();
    const std::string label = item.label();
    const bool hasId = !(item.newIds.empty() ? item.oldIds : item.newIds).empty() &&
                       !(item.newIds.empty() ? item.oldIds : item.newIds).front().empty();
    json.key("id");
    if (hasId)
        json.value(label);
    else
        json.null();
    const auto& fids = item.newFids.empty() ? item.oldFids : item.newFids;
    json.field("fid", fids.empty() ? std::int64_t(-1) : fids.front());
    if (item.kind == ChangeKind::Changed && item.relation.empty())
        json.field("old_fid", item.oldFids.front());
    const char* measureKey = lines ? "length_km" : "area_mu";
    const double oldValue = lines ? item.oldLengthKm : item.oldAreaMu;
    const double newValue = lines ? item.newLengthKm : item.newAreaMu;
    json.key(measureKey);
    if (item.kind == ChangeKind::Changed) {
        json.beginArray();
        writeNumberOrNull(json, oldValue);
        writeNumberOrNull(json, newValue);
        json.endArray();
    } else {
        writeNumberOrNull(json, item.kind == ChangeKind::Added ? newValue : oldValue);
    }
    json.field("geometry_changed", item.geometryChanged);
    if (!item.relation.empty()) {
        json.field("relation", item.relation);
        json.key("from");
        writeIdArray(json, item.oldIds);
        json.key("to");
        writeIdArray(json, item.newIds);
        json.key("from_fids");
        writeFidArray(json, item.oldFids);
        json.key("to_fids");
        writeFidArray(json, item.newFids);
    }
    json.key("fields").beginObject();
    for (const FieldChange& change : item.fields) {
        json.key(change.name).beginArray();
        writeValue(json, change.oldValue);
        writeValue(json, change.newValue);
        json.endArray();
    }
    json.endObject();
    json.endObject();
}

bool isLineRole(const LayerDiff& layer)
{
    for (const DiffItem& item : layer.items)
        return std::isfinite(item.oldLengthKm) || std::isfinite(item.newLengthKm);
    return layer.role == Role::Roads || layer.role == Role::Pipelines;
}

std::string fixed(double value, int decimals)
{
    if (!std::isfinite(value))
        return "";
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    return buffer;
}

std::string joined(const std::vector<std::string>& parts, const char* separator = ",")
{
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i)
        out += (i ? separator : "") + parts[i];
    return out;
}

std::string joinedFids(const std::vector<std::int64_t>& fids)
{
    std::string out;
    for (std::size_t i = 0; i < fids.size(); ++i) {
        if (i)
            out += ',';
        out += std::to_string(fids[i]);
    }
    return out;
}

std::string kindText(const DiffItem& item)
{
    std::string text = std::string(chineseName(item.kind)) + " " + toString(item.kind);
    if (!item.relation.empty())
        text += " (" + item.relation + ")";
    return text;
}

} // namespace

std::string fieldChangesText(const DiffItem& item)
{
    std::string out;
    for (const FieldChange& change : item.fields) {
        const std::string oldText = std::holds_alternative<std::monostate>(change.oldValue)
                                        ? "∅"
                                        : diffValueText(change.oldValue);
        const std::string newText = std::holds_alternative<std::monostate>(change.newValue)
                                        ? "∅"
                                        : diffValueText(change.newValue);
        out += (out.empty() ? "" : "; ") + change.name + ": " + oldText + " → " + newText;
    }
    return out;
}

void writeDiffJson(JsonWriter& json, const ParkDiff& diff, const Ledger* progress)
{
    json.beginObject();
    json.field("old", diff.oldName);
    json.field("new", diff.newName);
    json.field("crs", diff.crs);
    json.field("notes", diff.notes);
    json.key("layers").beginObject();
    for (const LayerDiff& layer : diff.layers) {
        const bool lines = isLineRole(layer);
        json.key(toString(layer.role)).beginObject();
        json.field("matched_by", layer.matchedBy);
        json.field("notes", layer.notes);
        json.key("counts").beginObject();
        json.field("old", layer.oldCount);
        json.field("new", layer.newCount);
        json.field("unchanged", layer.unchangedCount);
        json.endObject();
        for (ChangeKind kind : {ChangeKind::Added, ChangeKind::Removed, ChangeKind::Changed}) {
            json.key(toString(kind)).beginArray();
            for (const DiffItem& item : layer.items)
                if (item.kind == kind)
                    writeItem(json, item, lines);
            json.endArray();
        }
        json.endObject();
    }
    json.endObject();
    if (progress) {
        json.key("progress");
        writeLedgerJson(json, *progress);
    }
    json.endObject();
}

void writeDiffText(std::ostream& out, const ParkDiff& diff, const Ledger* progress)
{
    out << "变化对比 / changes: " << diff.oldName << " → " << diff.newName << " (" << diff.crs
        << ")\n";
    for (const std::string& note : diff.notes)
        out << "note: " << note << "\n";
    for (const LayerDiff& layer : diff.layers) {
        std::size_t counts[3] = {0, 0, 0};
        for (const DiffItem& item : layer.items)
            ++counts[static_cast<int>(item.kind)];
        out << "\n"
            << toString(layer.role) << " " << chineseName(layer.role) << " (matched by "
            << layer.matchedBy << "): " << counts[0] << " 新增 added, " << counts[1]
            << " 灭失 removed, " << counts[2] << " 变更 changed, " << layer.unchangedCount
            << " unchanged\n";
        for (const std::string& note : layer.notes)
            out << "  note: " << note << "\n";
        if (layer.items.empty())
            continue;
        const bool lines = isLineRole(layer);
        TextTable table;
        table.addColumn("变化");
        table.addColumn("编号");
        table.addColumn(lines ? "期初（km）" : "期初（亩）", TextTable::Align::Right);
        table.addColumn(lines ? "期末（km）" : "期末（亩）", TextTable::Align::Right);
        table.addColumn("图形");
        table.addColumn("属性变化");
        for (const DiffItem& item : layer.items) {
            std::string id = item.label();
            if (!item.relation.empty())
                id = joined(item.oldIds, "、") + " → " + joined(item.newIds, "、");
            const int decimals = lines ? 3 : 2;
            table.addRow({kindText(item), id,
                          fixed(lines ? item.oldLengthKm : item.oldAreaMu, decimals),
                          fixed(lines ? item.newLengthKm : item.newAreaMu, decimals),
                          item.geometryChanged ? "变 changed" : "",
                          item.kind == ChangeKind::Changed ? fieldChangesText(item) : ""});
        }
        table.render(out);
    }
    if (progress) {
        out << "\n";
        writeLedgerText(out, *progress);
    }
}

void writeDiffCsv(std::ostream& out, const ParkDiff& diff, const Ledger* progress)
{
    std::vector<std::vector<std::string>> rows;
    rows.push_back({"role", "change", "kind", "relation", "id", "old_ids", "new_ids", "old_fids",
                    "new_fids", "area_mu_old", "area_mu_new", "length_km_old", "length_km_new",
                    "geometry_changed", "fields"});
    for (const LayerDiff& layer : diff.layers)
        for (const DiffItem& item : layer.items)
            rows.push_back({toString(layer.role), toString(item.kind), chineseName(item.kind),
                            item.relation, item.label(), joined(item.oldIds), joined(item.newIds),
                            joinedFids(item.oldFids), joinedFids(item.newFids),
                            fixed(item.oldAreaMu, 4), fixed(item.newAreaMu, 4),
                            fixed(item.oldLengthKm, 4), fixed(item.newLengthKm, 4),
                            item.geometryChanged ? "1" : "0",
                            item.kind == ChangeKind::Changed ? fieldChangesText(item) : ""});
    writeCsv(out, rows, true);
    if (progress) {
        out << "\r\n";
        std::ostringstream ledger;
        writeLedgerCsv(ledger, *progress);
        std::string text = ledger.str();
        if (text.rfind("\xEF\xBB\xBF", 0) == 0) // one BOM per file
            text.erase(0, 3);
        out << text;
    }
}

void writeChangesGeoPackage(const std::string& path, const Park& oldPark, const Park& newPark,
                            const ParkDiff& diff, bool overwrite)
{
    ensureGdal();
    const fs::path dest = fs::absolute(path);
    std::error_code error;
    if (fs::exists(dest, error) && !overwrite)
        throw IoError("the file exists (not overwritten)", {path, {}, -1, {}});
    AtomicOutput output{fs::path(path)};
    const fs::path& temporary = output.path();
    GdalErrorCapture errors;
    auto fail = [&](const std::string& what, const std::string& layer = {}) {
        const std::string gdal = errors.lastFailure();
        const std::string disk = diskProblemAt(dest);
        throw IoError(what + (disk.empty() ? "" : ": " + disk) + (gdal.empty() ? "" : ": " + gdal),
                      {path, layer, -1, {}});
    };
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
    if (!driver)
        fail("GDAL has no GeoPackage driver");
    {
        GDALDatasetUniquePtr dataset(
            driver->Create(temporary.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
        if (!dataset)
            fail("cannot create the GeoPackage");
        GeosContext geos;
        for (const LayerDiff& layerDiff : diff.layers) {
            if (layerDiff.items.empty())
                continue;
            const char* name = toString(layerDiff.role);
            const ParkLayer* oldLayer = oldPark.layer(layerDiff.role);
            const ParkLayer* newLayer = newPark.layer(layerDiff.role);
            const GeometryKind kind = (newLayer ? newLayer : oldLayer)->layer->geometry.kind();
            const OGRwkbGeometryType type = kind == GeometryKind::Polygon ? wkbMultiPolygon
                                            : kind == GeometryKind::Line  ? wkbMultiLineString
                                            : kind == GeometryKind::Point ? wkbMultiPoint
                                                                          : wkbUnknown;
            OGRSpatialReference* srs = oldPark.crs.isEmpty() ? nullptr : oldPark.crs.ogr()->Clone();
            if (srs)
                srs->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
            char** options = CSLSetNameValue(nullptr, "GEOMETRY_NAME", "geom");
            OGRLayer* layer = dataset->CreateLayer(name, srs, type, options);
            CSLDestroy(options);
            if (srs)
                srs->Release();
            if (!layer)
                fail("cannot create the layer", name);
            const std::pair<const char*, OGRFieldType> fields[] = {
                {"kind", OFTString},
                {"change", OFTString},
                {"relation", OFTString},
                {"id", OFTString},
                {"old_ids", OFTString},
                {"new_ids", OFTString},
                {"old_fids", OFTString},
                {"new_fids", OFTString},
                {"area_mu_old", OFTReal},
                {"area_mu_new", OFTReal},
                {"length_km_old", OFTReal},
                {"length_km_new", OFTReal},
                {"geometry_changed", OFTInteger},
                {"fields", OFTString},
            };
            for (const auto& [fieldName, fieldType] : fields) {
                OGRFieldDefn field(fieldName, fieldType);
                if (fieldName == std::string("geometry_changed"))
                    field.SetSubType(OFSTBoolean);
                if (fieldName == std::string("fields"))
                    field.SetSubType(OFSTJSON);
                if (layer->CreateField(&field) != OGRERR_NONE)
                    fail(std::string("cannot create the field ") + fieldName, name);
            }
            if (dataset->StartTransaction() != OGRERR_NONE)
                fail("cannot start a transaction", name);
            for (const DiffItem& item : layerDiff.items) {
                OGRFeatureUniquePtr feature(OGRFeature::CreateFeature(layer->GetLayerDefn()));
                feature->SetField("kind", chineseName(item.kind));
                feature->SetField("change", toString(item.kind));
                if (!item.relation.empty())
                    feature->SetField("relation", item.relation.c_str());
                feature->SetField("id", item.label().c_str());
                feature->SetField("old_ids", joined(item.oldIds).c_str());
                feature->SetField("new_ids", joined(item.newIds).c_str());
                feature->SetField("old_fids", joinedFids(item.oldFids).c_str());
                feature->SetField("new_fids", joinedFids(item.newFids).c_str());
                const std::pair<const char*, double> measures[] = {
                    {"area_mu_old", item.oldAreaMu},
                    {"area_mu_new", item.newAreaMu},
                    {"length_km_old", item.oldLengthKm},
                    {"length_km_new", item.newLengthKm}};
                for (const auto& [fieldName, value] : measures)
                    if (std::isfinite(value))
                        feature->SetField(fieldName, value);
                feature->SetField("geometry_changed", item.geometryChanged ? 1 : 0);
                std::ostringstream fieldsJson;
                {
                    JsonWriter json(fieldsJson, false);
                    json.beginObject();
                    for (const FieldChange& change : item.fields) {
                        json.key(change.name).beginArray();
                        writeValue(json, change.oldValue);
                        writeValue(json, change.newValue);
                        json.endArray();
                    }
                    json.endObject();
                }
                feature->SetField("fields", fieldsJson.str().c_str());
                // The new geometry; the old one for a removed feature.
                const bool useNew = !item.newRows.empty();
                const ParkLayer* side = useNew ? newLayer : oldLayer;
                const auto& rows = useNew ? item.newRows : item.oldRows;
                OGRGeometry* collection = OGRGeometryFactory::createGeometry(type);
                for (std::size_t row : rows) {
                    const GeosGeomPtr g = geos.fromStore(side->layer->geometry, row);
                    if (!g)
                        continue;
                    const std::vector<unsigned char> wkb = geos.toWkb(g.get());
                    OGRGeometry* part = nullptr;
                    if (OGRGeometryFactory::createFromWkb(wkb.data(), nullptr, &part, wkb.size()) !=
                            OGRERR_NONE ||
                        !part)
                        continue;
                    OGRGeometry* multi = type == wkbMultiPolygon
                                             ? OGRGeometryFactory::forceToMultiPolygon(part)
                                         : type == wkbMultiLineString
                                             ? OGRGeometryFactory::forceToMultiLineString(part)
                                             : OGRGeometryFactory::forceToMultiPoint(part);
                    auto* parts = multi->toGeometryCollection();
                    for (int i = 0; i < parts->getNumGeometries(); ++i)
                        collection->toGeometryCollection()->addGeometry(parts->getGeometryRef(i));
                    delete multi;
                }
                feature->SetGeometryDirectly(collection);
                if (layer->CreateFeature(feature.get()) != OGRERR_NONE)
                    fail("cannot write a change", name);
            }
            if (dataset->CommitTransaction() != OGRERR_NONE)
                fail("cannot commit the changes", name);
        }
        errors.take();
        dataset.reset();
        for (const GdalErrorCapture::Message& message : errors.messages())
            if (message.failure)
                fail("cannot close the GeoPackage");
    }
    output.commit();
}

} // namespace parkatlas::geo
