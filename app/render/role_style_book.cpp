#include "app/render/role_style_book.h"

#include "geo/error.h"
#include "geo/model/land_use_classification.h"
#include "geo/styles.h"

#include "geo/model/park.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>
#include <filesystem>
#include <limits>
#include <unordered_map>

namespace parkatlas::render {

namespace {

constexpr std::size_t kMaxClasses = LayerStyle::kNoClass; // indices 0 … 0xfffe

QJsonObject readJsonObject(const QString& path, QStringList& problems)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        problems.append(QStringLiteral("%1: %2").arg(path, file.errorString()));
        return {};
    }
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &error);
    if (error.error != QJsonParseError::NoError || !document.isObject()) {
        problems.append(QStringLiteral("%1: not a JSON object (%2 at byte %3)")
                            .arg(path, error.errorString())
                            .arg(error.offset));
        return {};
    }
    return document.object();
}

Qt::PenStyle penStyleOf(const QString& name)
{
    if (name == QLatin1String("dash"))
        return Qt::DashLine;
    if (name == QLatin1String("dot"))
        return Qt::DotLine;
    if (name == QLatin1String("dashdot"))
        return Qt::DashDotLine;
    if (name == QLatin1String("dashdotdot"))
        return Qt::DashDotDotLine;
    if (name == QLatin1String("none"))
        return Qt::NoPen;
    return Qt::SolidLine;
}

Qt::BrushStyle brushStyleOf(const QString& name)
{
    static const std::map<QString, Qt::BrushStyle> kStyles = {
        {QStringLiteral("solid"), Qt::SolidPattern},
        {QStringLiteral("bdiag"), Qt::BDiagPattern},
        {QStringLiteral("fdiag"), Qt::FDiagPattern},
        {QStringLiteral("cross"), Qt::CrossPattern},
        {QStringLiteral("diagcross"), Qt::DiagCrossPattern},
        {QStringLiteral("horizontal"), Qt::HorPattern},
        {QStringLiteral("vertical"), Qt::VerPattern},
        {QStringLiteral("dense"), Qt::Dense4Pattern},
        {QStringLiteral("none"), Qt::NoBrush}};
    const auto found = kStyles.find(name);
    return found == kStyles.end() ? Qt::SolidPattern : found->second;
}

PointShape pointShapeOf(const QString& name)
{
    if (name == QLatin1String("square"))
        return PointShape::Square;
    if (name == QLatin1String("triangle"))
        return PointShape::Triangle;
    if (name == QLatin1String("diamond"))
        return PointShape::Diamond;
    if (name == QLatin1String("star"))
        return PointShape::Star;
    if (name == QLatin1String("cross"))
        return PointShape::Cross;
    return PointShape::Circle;
}

QColor withOpacity(QColor colour, const QJsonValue& opacity)
{
    if (opacity.isDouble())
        colour.setAlphaF(static_cast<float>(std::clamp(opacity.toDouble(), 0.0, 1.0)));
    return colour;
}

/// Applies the symbol keys present in `spec` to `symbol` (absent keys keep their value).
void applySymbol(Symbol& symbol, const QJsonObject& spec)
{
    if (spec.contains(QLatin1String("stroke")))
        symbol.stroke = QColor(spec.value(QLatin1String("stroke")).toString());
    if (spec.contains(QLatin1String("stroke_opacity")))
        symbol.stroke = withOpacity(symbol.stroke, spec.value(QLatin1String("stroke_opacity")));
    if (spec.contains(QLatin1String("stroke_width")))
        symbol.strokeWidth = spec.value(QLatin1String("stroke_width")).toDouble(1.0);
    if (spec.contains(QLatin1String("stroke_style")))
        symbol.strokeStyle = penStyleOf(spec.value(QLatin1String("stroke_style")).toString());
    if (spec.contains(QLatin1String("fill"))) {
        const QString fill = spec.value(QLatin1String("fill")).toString();
        symbol.fill = fill == QLatin1String("none") ? QColor(0, 0, 0, 0) : QColor(fill);
    }
    if (spec.contains(QLatin1String("fill_opacity")))
        symbol.fill = withOpacity(symbol.fill, spec.value(QLatin1String("fill_opacity")));
    if (spec.contains(QLatin1String("fill_pattern")))
        symbol.fillPattern = brushStyleOf(spec.value(QLatin1String("fill_pattern")).toString());
    if (spec.contains(QLatin1String("point_shape")))
        symbol.pointShape = pointShapeOf(spec.value(QLatin1String("point_shape")).toString());
    if (spec.contains(QLatin1String("point_size")))
        symbol.pointDiameter = spec.value(QLatin1String("point_size")).toDouble(5.0);
    if (spec.contains(QLatin1String("label")))
        symbol.label = spec.value(QLatin1String("label")).toString();
}

/// The source field of `name` in a layer of `role`: the contract field (its aliases
/// included), else a field of that name; -1 when there is none.
int fieldOf(const geo::Layer& layer, geo::Role role, const std::string& name,
            const std::map<std::string, std::string>& fieldMap)
{
    const std::vector<geo::ContractField>& contract = geo::contractFields(role);
    const std::vector<int> resolved = geo::resolveContractFields(role, layer.attributes, fieldMap);
    for (std::size_t i = 0; i < contract.size() && i < resolved.size(); ++i)
        if (name == contract[i].name && resolved[i] >= 0)
            return resolved[i];
    return layer.attributes.fieldIndex(name);
}

std::string trimmed(std::string_view text)
{
    const auto isSpace = [](unsigned char c) { return std::isspace(c) != 0; };
    while (!text.empty() && isSpace(static_cast<unsigned char>(text.front())))
        text.remove_prefix(1);
    while (!text.empty() && isSpace(static_cast<unsigned char>(text.back())))
        text.remove_suffix(1);
    return std::string(text);
}

/// The parent a code has by its structure alone: 100101 → 1001 → 10; M12 → M1 → M. "" at the
/// top.
std::string structuralParent(const std::string& code)
{
    const bool digits = !code.empty() && std::all_of(code.begin(), code.end(),
                                                     [](char c) { return c >= '0' && c <= '9'; });
    if (digits)
        return code.size() > 2 ? code.substr(0, code.size() - 2) : std::string();
    return code.size() > 1 ? code.substr(0, code.size() - 1) : std::string();
}

} // namespace

std::optional<geo::Role> roleOfLayer(const geo::Layer& layer)
{
    if (std::optional<geo::Role> role = geo::roleFromLayerName(layer.name))
        return role;
    if (!layer.sourcePath.empty()) {
        const std::filesystem::path path(
            std::u8string(layer.sourcePath.begin(), layer.sourcePath.end()));
        const std::u8string stem = path.stem().u8string();
        return geo::roleFromLayerName(std::string(stem.begin(), stem.end()));
    }
    return std::nullopt;
}

std::string normaliseLandUseCode(std::string_view code)
{
    std::string text = trimmed(code);
    const std::size_t cut = text.find_first_of(" \t/+、,，");
    if (cut != std::string::npos)
        text.resize(cut);
    for (char& c : text)
        if (c >= 'a' && c <= 'z')
            c = static_cast<char>(c - 'a' + 'A');
    return text;
}

QString RoleStyleBook::defaultDirectory()
{
    // One folder holds every style and rule file; geo/ knows where it is.
    try {
        return QString::fromStdString(geo::stylesDirectory());
    } catch (const geo::Error&) {
        return {};
    }
}

RoleStyleBook RoleStyleBook::load(const QString& directory)
{
    RoleStyleBook book;
    const QJsonObject roles =
        readJsonObject(directory + QStringLiteral("/roles.json"), book.m_problems);
    const QJsonObject roleSpecs = roles.value(QLatin1String("roles")).toObject();
    for (auto it = roleSpecs.begin(); it != roleSpecs.end(); ++it) {
        const std::string name = it.key().toStdString();
        if (!geo::roleFromLayerName(name)) {
            book.m_problems.append(
                QStringLiteral("roles.json: '%1' is not a role; ignored").arg(it.key()));
            continue;
        }
        book.m_roles[name] = it.value().toObject();
    }
    for (const QJsonValue& name : roles.value(QLatin1String("order")).toArray())
        book.m_order.push_back(name.toString().toStdString());

    QStringList landUseProblems;
    const QJsonObject landUse =
        readJsonObject(directory + QStringLiteral("/landuse.json"), landUseProblems);
    book.m_problems.append(landUseProblems);
    for (const QJsonValue& value : landUse.value(QLatin1String("classes")).toArray()) {
        const QJsonObject entry = value.toObject();
        const std::string code =
            normaliseLandUseCode(entry.value(QLatin1String("code")).toString().toStdString());
        if (code.empty())
            continue;
        LandUse item;
        item.colour = QColor(entry.value(QLatin1String("colour")).toString());
        item.name = entry.value(QLatin1String("name")).toString();
        item.parent =
            normaliseLandUseCode(entry.value(QLatin1String("parent")).toString().toStdString());
        book.m_landUse.emplace(code, std::move(item));
    }
    return book;
}

const RoleStyleBook::LandUse* RoleStyleBook::findLandUse(std::string_view code) const
{
    std::string current = normaliseLandUseCode(code);
    for (int depth = 0; !current.empty() && depth < 16; ++depth) {
        const auto found = m_landUse.find(current);
        if (found != m_landUse.end() && found->second.colour.isValid())
            return &found->second;
        current = found != m_landUse.end() && !found->second.parent.empty()
                      ? found->second.parent
                      : structuralParent(current);
    }
    return nullptr;
}

QColor RoleStyleBook::landUseColour(std::string_view code) const
{
    const LandUse* landUse = findLandUse(code);
    return landUse ? landUse->colour : QColor();
}

QString RoleStyleBook::landUseName(std::string_view code) const
{
    const auto found = m_landUse.find(normaliseLandUseCode(code));
    return found == m_landUse.end() ? QString() : found->second.name;
}

double RoleStyleBook::drawingRank(std::optional<geo::Role> role, geo::GeometryKind kind) const
{
    const auto rankOf = [this](const char* name) -> std::optional<double> {
        const auto found = std::find(m_order.begin(), m_order.end(), name);
        if (found == m_order.end())
            return std::nullopt;
        return static_cast<double>(found - m_order.begin());
    };
    if (role && m_roles.count(geo::toString(*role)))
        if (std::optional<double> rank = rankOf(geo::toString(*role)))
            return *rank;
    // No role (or no place for it): beside the roles of the same geometry, else by kind.
    const double count = static_cast<double>(m_order.size());
    switch (kind) {
    case geo::GeometryKind::Polygon:
        return rankOf("buildings").value_or(count) + 0.5;
    case geo::GeometryKind::Line:
        return rankOf("pipelines").value_or(count + 1) + 0.5;
    case geo::GeometryKind::Point:
        return rankOf("facilities").value_or(count + 2) + 0.5;
    case geo::GeometryKind::None:
        break;
    }
    return count + 3;
}

LayerSnapshot RoleStyleBook::snapshotFor(std::shared_ptr<const geo::Layer> layer,
                                         std::size_t fallbackIndex) const
{
    const std::optional<geo::Role> role = roleOfLayer(*layer);
    return snapshotFor(std::move(layer), role, {}, fallbackIndex);
}

LayerSnapshot RoleStyleBook::snapshotFor(std::shared_ptr<const geo::Layer> layer,
                                         std::optional<geo::Role> role,
                                         const std::map<std::string, std::string>& fieldMap,
                                         std::size_t fallbackIndex,
                                         const std::string& classification) const
{
    LayerSnapshot snapshot;
    snapshot.role = role;
    const auto spec = snapshot.role ? m_roles.find(geo::toString(*snapshot.role)) : m_roles.end();
    if (spec != m_roles.end())
        snapshot.style =
            roleStyle(*layer, *snapshot.role, spec->second, fieldMap, classification);
    else
        snapshot.style = LayerStyle::defaultFor(layer->geometry.kind(), fallbackIndex);
    snapshot.layer = std::move(layer);
    return snapshot;
}

LayerStyle RoleStyleBook::roleStyle(const geo::Layer& layer, geo::Role role,
                                    const QJsonObject& spec,
                                    const std::map<std::string, std::string>& fieldMap,
                                    const std::string& declaredClassification) const
{
    LayerStyle style = LayerStyle::defaultFor(layer.geometry.kind(), 0);
    applySymbol(style, spec.value(QLatin1String("symbol")).toObject());

    const QJsonObject classify = spec.value(QLatin1String("classify")).toObject();
    const std::string classField = classify.value(QLatin1String("field")).toString().toStdString();
    const int field = classField.empty() ? -1 : fieldOf(layer, role, classField, fieldMap);
    if (field >= 0) {
        style.classField = QString::fromStdString(layer.attributes.fields()[field].name);
        const bool byLandUse =
            classify.value(QLatin1String("colours")).toString() == QLatin1String("landuse");
        const QJsonValue landUseOpacity = classify.value(QLatin1String("fill_opacity"));
        // Listed classes: matched on the whole value first, then as a part of it ("补偿（纠纷）"
        // is 补偿), in the order the file lists them.
        std::vector<std::pair<QString, Symbol>> listed;
        for (const QJsonValue& value : classify.value(QLatin1String("classes")).toArray()) {
            const QJsonObject entry = value.toObject();
            Symbol symbol = style;
            symbol.label = entry.value(QLatin1String("value")).toString();
            applySymbol(symbol, entry);
            listed.emplace_back(entry.value(QLatin1String("value")).toString(), symbol);
        }
        // Land-use colours and names in the layer's own classification: the declared one, else
        // detected from its whole set of codes (0601 is 工业用地 in a cadastre, 乡村道路用地 in
        // the 2023 guide).
        const geo::LandUseClassification* classification = nullptr;
        geo::LandUseSystems systems;
        if (byLandUse && !declaredClassification.empty()) {
            try {
                classification = &geo::LandUseClassification::standard();
                systems = {declaredClassification};
            } catch (const geo::Error&) {
                classification = nullptr; // the style book's own table, first match
            }
        } else if (byLandUse) {
            try {
                classification = &geo::LandUseClassification::standard();
                std::set<std::string> codes;
                for (std::size_t feature = 0; feature < layer.featureCount(); ++feature)
                    if (!layer.attributes.isUnknown(feature, field))
                        codes.insert(trimmed(layer.attributes.text(feature, field)));
                systems = classification
                              ->detect({codes.begin(), codes.end()},
                                       layer.attributes.fields()[field].name, role)
                              .systems;
            } catch (const geo::Error&) {
                classification = nullptr; // the style book's own table, first match
            }
        }
        // Where the candidate systems colour a code differently (an ambiguous layer), the
        // table's first match as before, named with both meanings.
        auto landUseSymbol = [&](const std::string& value) -> std::pair<QColor, QString> {
            if (!classification || systems.empty())
                return {landUseColour(value), landUseName(value)};
            std::set<std::string> colours;
            for (const std::string& system : systems)
                if (const std::string colour = classification->colourOf(value, system);
                    !colour.empty())
                    colours.insert(colour);
            const QString name = QString::fromStdString(classification->nameOf(value, systems));
            if (colours.size() == 1)
                return {QColor(QString::fromStdString(*colours.begin())), name};
            return {landUseColour(value), name.isEmpty() ? landUseName(value) : name};
        };
        auto classes = std::make_shared<std::vector<std::uint16_t>>(layer.featureCount(),
                                                                    LayerStyle::kNoClass);
        std::unordered_map<std::string, std::uint16_t> classOfValue;
        for (std::size_t feature = 0; feature < layer.featureCount(); ++feature) {
            if (layer.attributes.isUnknown(feature, field))
                continue;
            const std::string value = trimmed(layer.attributes.text(feature, field));
            const auto known = classOfValue.find(value);
            if (known != classOfValue.end()) {
                (*classes)[feature] = known->second;
                continue;
            }
            std::uint16_t index = LayerStyle::kNoClass;
            if (style.classes.size() < kMaxClasses) {
                const QString text = QString::fromStdString(value);
                std::optional<Symbol> symbol;
                for (const auto& [key, candidate] : listed)
                    if (text == key) {
                        symbol = candidate;
                        break;
                    }
                if (!symbol)
                    for (const auto& [key, candidate] : listed)
                        if (!key.isEmpty() && text.contains(key)) {
                            symbol = candidate;
                            break;
                        }
                if (!symbol && byLandUse) {
                    const auto [colour, name] = landUseSymbol(value);
                    if (colour.isValid()) {
                        symbol = static_cast<const Symbol&>(style);
                        symbol->fill = withOpacity(colour, landUseOpacity);
                        symbol->label = name.isEmpty() ? text : text + QLatin1Char(' ') + name;
                        if (classification && !systems.empty())
                            symbol->classKey = QString::fromStdString(
                                classification->sameClassKey(value, systems));
                    }
                }
                if (symbol) {
                    index = static_cast<std::uint16_t>(style.classes.size());
                    style.classes.push_back(*symbol);
                }
            }
            classOfValue.emplace(value, index);
            (*classes)[feature] = index;
        }
        style.featureClass = std::move(classes);
    }

    const std::string widthField =
        spec.value(QLatin1String("ground_width_field")).toString().toStdString();
    const int widthIndex = widthField.empty() ? -1 : fieldOf(layer, role, widthField, fieldMap);
    // Ground widths are metres; they are drawn as such only in a projected map in metres (the
    // map CRS is the layer's: layers are reprojected into it on load).
    if (widthIndex >= 0 && layer.crs.isProjected() &&
        std::abs(layer.crs.linearUnitM() - 1) < 1e-9) {
        auto widths = std::make_shared<std::vector<float>>(layer.featureCount(),
                                                           std::numeric_limits<float>::quiet_NaN());
        for (std::size_t feature = 0; feature < layer.featureCount(); ++feature)
            if (std::optional<double> width = layer.attributes.number(feature, widthIndex))
                (*widths)[feature] = static_cast<float>(*width);
        style.featureWidthMapUnits = std::move(widths);
        style.minRealWidthPx = spec.value(QLatin1String("ground_width_min_px")).toDouble(3.0);
    }

    const QJsonObject label = spec.value(QLatin1String("label")).toObject();
    QStringList labelFields;
    if (label.contains(QLatin1String("field")))
        labelFields.append(label.value(QLatin1String("field")).toString());
    for (const QJsonValue& field : label.value(QLatin1String("fields")).toArray())
        labelFields.append(field.toString());
    style.labelAreaMu = label.value(QLatin1String("area_mu")).toBool(false) &&
                        layer.geometry.kind() == geo::GeometryKind::Polygon;
    for (const QString& name : labelFields)
        if (const int index = fieldOf(layer, role, name.toStdString(), fieldMap); index >= 0)
            style.labelFields.push_back(index);
    if (!style.labelFields.empty() || style.labelAreaMu) {
        style.labelFont = cjkFont(label.value(QLatin1String("size")).toDouble(8.0));
        if (label.contains(QLatin1String("colour")))
            style.labelColour = QColor(label.value(QLatin1String("colour")).toString());
        style.labelMaxMapUnitsPerPixel =
            label.value(QLatin1String("max_map_units_per_pixel")).toDouble(0.0);
    }
    style.maxScaleDenominator = spec.value(QLatin1String("max_scale")).toDouble(0.0);
    style.fillMaxScaleDenominator = spec.value(QLatin1String("fill_max_scale")).toDouble(0.0);
    return style;
}

std::vector<LayerSnapshot>
RoleStyleBook::styleLayers(const std::vector<std::shared_ptr<const geo::Layer>>& layers) const
{
    return styleLayers(layers, {});
}

std::vector<LayerSnapshot>
RoleStyleBook::styleLayers(const std::vector<std::shared_ptr<const geo::Layer>>& layers,
                           const std::vector<std::optional<RoleBinding>>& bindings) const
{
    std::vector<LayerSnapshot> snapshots;
    std::size_t fallbackIndex = 0;
    for (std::size_t i = 0; i < layers.size(); ++i) {
        const auto& layer = layers[i];
        if (!layer)
            continue;
        LayerSnapshot snapshot =
            i < bindings.size() && bindings[i]
                ? snapshotFor(layer, bindings[i]->role, bindings[i]->fieldMap, fallbackIndex,
                              bindings[i]->classification)
                : snapshotFor(layer, fallbackIndex);
        if (!snapshot.role || !m_roles.count(geo::toString(*snapshot.role)))
            ++fallbackIndex;
        snapshots.push_back(std::move(snapshot));
    }
    std::stable_sort(snapshots.begin(), snapshots.end(),
                     [this](const LayerSnapshot& a, const LayerSnapshot& b) {
                         return drawingRank(a.role, a.layer->geometry.kind()) <
                                drawingRank(b.role, b.layer->geometry.kind());
                     });
    return snapshots;
}

} // namespace parkatlas::render
