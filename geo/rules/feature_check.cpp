#include "geo/rules/feature_check.h"

#include "geo/model/land_use_classification.h"

#include "geo/issue.h"
#include "geo/model/park.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>
#include <string>
#include <string_view>

namespace parkatlas::geo {

namespace {

/// The geometry kind a role's layer has when the park has no such layer yet.
GeometryKind kindOf(Role role)
{
    switch (role) {
    case Role::Roads:
    case Role::Pipelines:
        return GeometryKind::Line;
    case Role::Facilities:
        return GeometryKind::Point;
    default:
        return GeometryKind::Polygon;
    }
}

std::string_view trimmed(std::string_view text)
{
    const auto begin = text.find_first_not_of(" \t");
    if (begin == std::string_view::npos)
        return {};
    const auto end = text.find_last_not_of(" \t");
    return text.substr(begin, end - begin + 1);
}

/// An id value as the rules compare it (compliance.cpp, LayerView::text): trimmed, nullopt
/// when unknown.
std::optional<std::string> idText(const AttributeTable& attributes, std::size_t row, int field)
{
    if (field < 0 || attributes.isUnknown(row, field))
        return std::nullopt;
    const std::string value = attributes.text(row, field);
    if (isUnknownText(value))
        return std::nullopt;
    return std::string(trimmed(value));
}

/// A layer like `source` (name, path, CRS, fields) with no features.
Layer emptyLike(const Layer& source)
{
    Layer layer;
    layer.name = source.name;
    layer.sourcePath = source.sourcePath;
    layer.crs = source.crs;
    layer.crsOrigin = source.crsOrigin;
    layer.encoding = source.encoding;
    layer.geometry.setKind(source.geometry.kind());
    layer.attributes.setFields(source.attributes.fields());
    return layer;
}

/// A park layer like `source` (its role, contract mapping and classification) holding `layer`.
ParkLayer likeWith(const ParkLayer& source, Layer layer)
{
    ParkLayer out;
    out.role = source.role;
    out.fieldIndex = source.fieldIndex;
    out.classification = source.classification;
    out.classificationOrigin = source.classificationOrigin;
    out.layer = std::make_shared<const Layer>(std::move(layer));
    return out;
}

void copyGeometry(const GeometryStore& from, std::size_t feature, GeometryStore& to)
{
    if (from.isEmpty(feature)) {
        to.appendEmpty();
        return;
    }
    to.beginFeature();
    for (std::size_t part = 0; part < from.partCount(feature); ++part) {
        to.beginPart();
        for (std::size_t r = 0; r < from.ringCount(feature, part); ++r) {
            to.beginRing();
            const RingView ring = from.ring(feature, part, r);
            for (std::size_t v = 0; v < ring.vertexCount(); ++v)
                to.addVertex(ring.x(v), ring.y(v));
        }
    }
    to.endFeature();
}

/// Sets field `field` of the row being appended to `table` from `from`'s row `row`.
void copyValue(const AttributeTable& from, std::size_t row, int field, AttributeTable& to)
{
    if (from.isUnknown(row, field)) {
        to.setUnknown(field);
        return;
    }
    switch (from.fields()[static_cast<std::size_t>(field)].type) {
    case FieldType::Integer:
        if (const auto value = from.integer(row, field))
            to.setInteger(field, *value);
        else
            to.setUnknown(field);
        return;
    case FieldType::Real:
        if (const auto value = from.number(row, field))
            to.setReal(field, *value);
        else
            to.setUnknown(field);
        return;
    case FieldType::Date:
        if (const auto value = from.date(row, field))
            to.setDate(field, *value);
        else
            to.setUnknown(field);
        return;
    case FieldType::String:
        to.setText(field, from.textView(row, field));
        return;
    }
}

/// Appends the values of row `row` of `from` (same fields) to `to`.
void copyValueRow(const AttributeTable& from, std::size_t row, AttributeTable& to)
{
    for (std::size_t f = 0; f < from.fields().size(); ++f)
        copyValue(from, row, static_cast<int>(f), to);
    to.commitRow();
}

/// Appends row `row` of `from` (same fields) to `to`.
void copyRow(const Layer& from, std::size_t row, Layer& to)
{
    copyGeometry(from.geometry, row, to.geometry);
    const int fields = static_cast<int>(from.attributes.fields().size());
    for (int field = 0; field < fields; ++field)
        copyValue(from.attributes, row, field, to.attributes);
    to.attributes.commitRow();
    to.fids.push_back(from.fids[row]);
}

/// Sets `field` from the text of the attribute form, parsed into the field's type. Returns
/// false (and sets the value unknown) when the text is not a value of that type.
bool setFromText(AttributeTable& table, int field, const std::optional<std::string>& value)
{
    if (!value) {
        table.setUnknown(field);
        return true;
    }
    const std::string_view text = trimmed(*value);
    const FieldType type = table.fields()[static_cast<std::size_t>(field)].type;
    if (type == FieldType::String) {
        table.setText(field, *value);
        return true;
    }
    if (text.empty()) {
        table.setUnknown(field);
        return true;
    }
    const char* end = text.data() + text.size();
    if (type == FieldType::Integer) {
        std::int64_t integer = 0;
        if (const auto r = std::from_chars(text.data(), end, integer);
            r.ec == std::errc() && r.ptr == end) {
            table.setInteger(field, integer);
            return true;
        }
        double real = 0;
        if (const auto r = std::from_chars(text.data(), end, real);
            r.ec == std::errc() && r.ptr == end && std::isfinite(real) &&
            real == std::trunc(real) && std::abs(real) < 9.0e18) {
            table.setInteger(field, static_cast<std::int64_t>(real));
            return true;
        }
    } else if (type == FieldType::Real) {
        double real = 0;
        if (const auto r = std::from_chars(text.data(), end, real);
            r.ec == std::errc() && r.ptr == end) {
            table.setReal(field, real);
            return true;
        }
    } else if (type == FieldType::Date) {
        if (const auto date = Date::parse(text)) {
            table.setDate(field, *date);
            return true;
        }
    }
    table.setUnknown(field);
    return false;
}

/// Forwards the issues of the sub-park's run that concern the park as a whole (a missing layer)
/// or the checked feature, not those about its neighbours (the whole-park check reports
/// those).
class FeatureIssues : public IssueSink {
public:
    FeatureIssues(IssueSink& out, std::string layer, std::int64_t fid)
        : m_out(out), m_layer(std::move(layer)), m_fid(fid)
    {
    }
    void report(Issue issue) override
    {
        if (issue.fid < 0 || (issue.layer == m_layer && issue.fid == m_fid))
            m_out.report(std::move(issue));
    }

private:
    IssueSink& m_out;
    std::string m_layer;
    std::int64_t m_fid;
};

} // namespace

ComplianceResult checkFeature(const Park& park, const CheckedFeature& feature,
                              const ComplianceOptions& options, IssueSink& issues)
{
    // The role's layer: the park's, or one with the contract's fields when the park has none
    // yet (the first expansion zone of a park).
    const ParkLayer* own = park.layer(feature.role);
    ParkLayer mine;  // the role, contract mapping and classification
    Layer mineLayer; // its features, filled below and put into `mine` at the end
    if (own) {
        mineLayer = emptyLike(*own->layer);
        mine = likeWith(*own, mineLayer);
    } else {
        mine.role = feature.role;
        mineLayer.name = toString(feature.role);
        mineLayer.crs = park.crs;
        mineLayer.geometry.setKind(kindOf(feature.role));
        std::vector<FieldDef> fields;
        std::set<std::string> names;
        for (const ContractField& field : contractFields(feature.role)) {
            fields.push_back({field.name, FieldType::String});
            names.insert(field.name);
        }
        for (const auto& [name, value] : feature.values)
            if (names.insert(name).second)
                fields.push_back({name, FieldType::String});
        mineLayer.attributes.setFields(std::move(fields));
        mine.fieldIndex = resolveContractFields(feature.role, mineLayer.attributes);
    }
    const std::string layerName = mineLayer.name.empty() ? toString(feature.role) : mineLayer.name;

    // The feature as a one-row layer: its geometry, and its values over the edited feature's
    // (or unknown for a new one).
    Layer single = emptyLike(mineLayer);
    std::optional<std::size_t> editedRow;
    if (own)
        for (std::size_t row = 0; row < own->layer->featureCount(); ++row)
            if (own->layer->fids[row] == feature.fid) {
                editedRow = row;
                break;
            }
    {
        const char* problem = nullptr;
        if (feature.geometryWkb.empty()) {
            single.geometry.appendEmpty();
        } else if (!single.geometry.appendWkb(feature.geometryWkb.data(),
                                              feature.geometryWkb.size(), &problem)) {
            issues.report(withMessage(
                {Issue::Severity::Warning, mineLayer.sourcePath, layerName, feature.fid},
                message("drawn_geometry_unreadable",
                        "the drawn geometry cannot be checked ({problem})",
                        {{"problem", problem ? problem : "unreadable WKB"}})));
        }
        AttributeTable& table = single.attributes;
        const int fieldCount = static_cast<int>(table.fields().size());
        std::vector<char> given(static_cast<std::size_t>(fieldCount), 0);
        std::vector<std::pair<int, const std::optional<std::string>*>> values;
        for (const auto& [name, value] : feature.values) {
            int field = mine.field(name);
            if (field < 0)
                field = table.fieldIndex(name);
            if (field < 0) {
                issues.report(withMessage(
                    {Issue::Severity::Warning, mineLayer.sourcePath, layerName, feature.fid},
                    message("missing_field",
                            "no field \"{field}\" in the layer; its value is not checked",
                            {{"field", name}})));
                continue;
            }
            given[static_cast<std::size_t>(field)] = 1;
            values.push_back({field, &value});
        }
        for (int field = 0; field < fieldCount; ++field) {
            if (given[static_cast<std::size_t>(field)])
                continue;
            if (editedRow)
                copyValue(own->layer->attributes, *editedRow, field, table);
            else
                table.setUnknown(field);
        }
        for (const auto& [field, value] : values)
            if (!setFromText(table, field, *value))
                issues.report(withMessage(
                    {Issue::Severity::Warning, mineLayer.sourcePath, layerName, feature.fid},
                    message("field_value_wrong_type",
                            "field \"{field}\": \"{value}\" is not a {type}; taken as unknown",
                            {{"field", table.fields()[static_cast<std::size_t>(field)].name},
                             {"value", **value},
                             {"type",
                              toString(table.fields()[static_cast<std::size_t>(field)].type)}})));
        table.commitRow();
        single.fids.push_back(feature.fid);
    }

    // How far from the feature another feature can still concern it: a road's red line reaches
    // half its width beyond the centre line (and so does a checked road's).
    const double unitM = park.crs.linearUnitM() > 0 ? park.crs.linearUnitM() : 1.0;
    const double slack = 1.0 / unitM;
    auto halfWidth = [&](const ParkLayer& layer, const AttributeTable& table, std::size_t row) {
        if (layer.role != Role::Roads)
            return 0.0;
        int field = layer.field("width_m");
        if (field < 0)
            field = table.fieldIndex("width_m");
        const auto width = field >= 0 ? table.number(row, field) : std::nullopt;
        return width && std::isfinite(*width) && *width > 0 ? *width / 2 / unitM : 0.0;
    };
    Envelope reach = single.geometry.envelope(0);
    if (!reach.isEmpty()) {
        const double grow = halfWidth(mine, single.attributes, 0) + slack;
        reach.minX -= grow;
        reach.minY -= grow;
        reach.maxX += grow;
        reach.maxY += grow;
    }
    auto near = [&](const ParkLayer& layer, std::size_t row) {
        if (reach.isEmpty() || layer.layer->geometry.isEmpty(row))
            return false;
        Envelope e = layer.layer->geometry.envelope(row);
        const double grow = halfWidth(layer, layer.layer->attributes, row);
        e.minX -= grow;
        e.minY -= grow;
        e.maxX += grow;
        e.maxY += grow;
        return e.intersects(reach);
    };

    // duplicate_id: the role's features with the same id, wherever they lie.
    const int idField = feature.role == Role::Parcels ? mine.field("parcel_id") : -1;
    const std::optional<std::string> id = idText(single.attributes, 0, idField);
    // Without a string per row: a million parcels are scanned on every check.
    auto sameId = [&](const AttributeTable& table, std::size_t row) {
        if (table.isUnknown(row, idField))
            return false;
        if (table.fields()[static_cast<std::size_t>(idField)].type == FieldType::String)
            return trimmed(table.textView(row, idField)) == *id; // *id is not unknown text
        return idText(table, row, idField) == id;
    };

    Park sub;
    sub.name = park.name;
    sub.crs = park.crs;
    bool placed = false;
    for (const ParkLayer& layer : park.layers) {
        if (layer.role == feature.role) {
            const std::set<std::int64_t> removed(feature.removedFids.begin(),
                                                 feature.removedFids.end());
            for (std::size_t row = 0; row < layer.layer->featureCount(); ++row) {
                const std::int64_t fid = layer.layer->fids[row];
                if (fid == feature.fid) {
                    copyRow(single, 0, mineLayer);
                    placed = true;
                    continue;
                }
                if (removed.count(fid))
                    continue;
                if (near(layer, row) || (id && sameId(layer.layer->attributes, row)))
                    copyRow(*layer.layer, row, mineLayer);
            }
            continue;
        }
        Layer copy = emptyLike(*layer.layer);
        for (std::size_t row = 0; row < layer.layer->featureCount(); ++row)
            if (layer.role == Role::Boundary || near(layer, row))
                copyRow(*layer.layer, row, copy);
        sub.layers.push_back(likeWith(layer, std::move(copy)));
    }
    if (!placed)
        copyRow(single, 0, mineLayer);
    mine.layer = std::make_shared<const Layer>(std::move(mineLayer));
    sub.layers.push_back(std::move(mine));

    ComplianceOptions subOptions = options;
    subOptions.threads = 1;
    // The land-use systems come from the whole layers (their declared classification, else
    // their whole set of codes), never from the few features near the edit. The viewer may pass
    // them once in options.landUseSystems; else they are found here (a pass over the codes).
    const LandUseClassification& landUse =
        options.landUse ? *options.landUse : LandUseClassification::standard();
    for (const ParkLayer& layer : park.layers)
        if (layer.role != feature.role && layer.field("land_use") >= 0 &&
            !subOptions.landUseSystems.count(layer.role))
            subOptions.landUseSystems[layer.role] = landUseSystemsOf(layer, landUse);
    // The edited layer's codes as they will be once saved: the others', and the feature's own.
    const ParkLayer& edited = sub.layers.back(); // `mine`, moved in above
    if (const int field = edited.field("land_use");
        field >= 0 && !subOptions.landUseSystems.count(feature.role)) {
        Layer asSavedLayer = emptyLike(*edited.layer);
        if (own)
            for (std::size_t row = 0; row < own->layer->featureCount(); ++row) {
                const std::int64_t fid = own->layer->fids[row];
                if (fid != feature.fid && std::find(feature.removedFids.begin(),
                                                    feature.removedFids.end(),
                                                    fid) == feature.removedFids.end())
                    copyValueRow(own->layer->attributes, row, asSavedLayer.attributes);
            }
        copyValueRow(single.attributes, 0, asSavedLayer.attributes);
        subOptions.landUseSystems[feature.role] =
            landUseSystemsOf(likeWith(edited, std::move(asSavedLayer)), landUse);
    }
    FeatureIssues featureIssues(issues, layerName, feature.fid);
    ComplianceResult result = checkCompliance(sub, subOptions, featureIssues);
    const std::string role = toString(feature.role);
    std::erase_if(result.findings, [&](const Finding& f) {
        return f.layer != role ||
               std::find(f.fids.begin(), f.fids.end(), feature.fid) == f.fids.end();
    });
    return result;
}

} // namespace parkatlas::geo
