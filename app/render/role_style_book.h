#pragma once

#include "app/render/layer_snapshot.h"
#include "geo/model/layer.h"
#include "geo/model/role.h"

#include <QColor>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parkatlas::render {

/// The role a layer plays in a park: geo::roleFromLayerName on its name, then on its source
/// file's stem ("…/宗地.shp"). nullopt when neither says one.
std::optional<geo::Role> roleOfLayer(const geo::Layer& layer);

/// What the user said a layer is (a project file, the field-mapping dialog), overriding what its
/// name suggests: its role (nullopt: none) and which source field holds each contract field.
struct RoleBinding {
    std::optional<geo::Role> role;
    std::map<std::string, std::string> fieldMap; // contract field → source field
    /// The declared land-use classification of its land_use codes ("GB/T 21010-2017" …);
    /// "" = detected from the codes.
    std::string classification;
};

/// How a park's layers look by role, from styles/roles.json (the symbol of each role, the field
/// its classes come from, their symbols, ground-width lines, labels and the drawing order) and
/// styles/landuse.json (the colour of each land-use code of GB 50137-2011 and of the 2023
/// classification). styles/README.md documents both.
///
/// Reading the files is blocking: load on a worker. A loaded book is immutable and may be used
/// from any number of threads at once.
class RoleStyleBook {
public:
    /// A book with no role styles: every layer gets LayerStyle::defaultFor, drawn polygons
    /// first, then lines, then points.
    RoleStyleBook() = default;

    /// Reads roles.json and landuse.json from `directory`. Never throws: what cannot be read
    /// is listed in problems() and the book falls back to defaults for it (a missing
    /// landuse.json leaves every land-use code in the fallback colour).
    static RoleStyleBook load(const QString& directory);
    /// The folder of style files, the same one the rules read (geo::stylesDirectory():
    /// $PARKATLAS_STYLES, next to the executable, else the source tree's styles/); "" when
    /// there is none.
    static QString defaultDirectory();

    const QStringList& problems() const { return m_problems; }
    bool hasRoleStyles() const { return !m_roles.empty(); }

    /// The snapshot of one layer styled by its role (roleOfLayer), or by the default palette
    /// (the `fallbackIndex`-th colour) when it has none or the book has no style for it.
    /// O(features) for classified roles (one attribute read a feature).
    LayerSnapshot snapshotFor(std::shared_ptr<const geo::Layer> layer,
                              std::size_t fallbackIndex = 0) const;
    /// The same in the role the user gave it (the field-mapping dialog, a project file; nullopt:
    /// none), its contract fields found through `fieldMap` (contract field → source field) first,
    /// its land-use codes coloured and named in `classification` when declared ("GB/T
    /// 21010-2017" …; "" = detected from the layer's codes, as `check` does).
    LayerSnapshot snapshotFor(std::shared_ptr<const geo::Layer> layer,
                              std::optional<geo::Role> role,
                              const std::map<std::string, std::string>& fieldMap,
                              std::size_t fallbackIndex = 0,
                              const std::string& classification = {}) const;
    /// Every layer styled, in drawing order (bottom first): the roles' order from roles.json,
    /// layers with no role among them by geometry (polygons above buildings, lines above
    /// pipelines, points above facilities), ties in the order given.
    std::vector<LayerSnapshot>
    styleLayers(const std::vector<std::shared_ptr<const geo::Layer>>& layers) const;
    /// The same, where `bindings[i]`, when set, is what layer i is (shorter: the rest by name).
    std::vector<LayerSnapshot>
    styleLayers(const std::vector<std::shared_ptr<const geo::Layer>>& layers,
                const std::vector<std::optional<RoleBinding>>& bindings) const;
    /// Where a layer of this role and geometry goes in the drawing order (lower: further down).
    double drawingRank(std::optional<geo::Role> role, geo::GeometryKind kind) const;

    /// The colour of a land-use code ("M2", "100101", " m1 一类工业 "): its own, else its
    /// nearest ancestor's (by the table's parent, else by structure: 100101 → 1001 → 10, M12 →
    /// M1 → M); invalid QColor when neither the code nor an ancestor is in landuse.json.
    QColor landUseColour(std::string_view code) const;
    /// "二类工业用地" for "M2"; "" when unknown.
    QString landUseName(std::string_view code) const;

private:
    struct LandUse {
        QColor colour;
        QString name;
        std::string parent;
    };
    const LandUse* findLandUse(std::string_view code) const;
    LayerStyle roleStyle(const geo::Layer& layer, geo::Role role, const QJsonObject& spec,
                         const std::map<std::string, std::string>& fieldMap,
                         const std::string& classification) const;

    std::map<std::string, QJsonObject> m_roles; // role name → its object in roles.json
    std::vector<std::string> m_order;           // role names, bottom first
    std::map<std::string, LandUse> m_landUse;   // normalised code → class
    QStringList m_problems;
};

/// A land-use code as landuse.json spells it: trimmed, ASCII upper case, a trailing name and
/// the second half of a mixed code dropped ("m1 一类工业" → "M1", "B1/R2" → "B1").
std::string normaliseLandUseCode(std::string_view code);

} // namespace parkatlas::render
