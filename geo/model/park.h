#pragma once

#include "geo/crs/crs.h"
#include "geo/model/layer.h"
#include "geo/model/role.h"

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace parkatlas::geo {

/// A layer read into a park, with its contract fields resolved.
struct ParkLayer {
    Role role = Role::Parcels;
    /// The features, shared and never changed once in a park: every snapshot of a ParkSession,
    /// every job on it and the viewer's map that the layer was read for hold the same Layer, so
    /// a layer is read once and never copied (copying a ParkLayer copies the pointer). Never
    /// null (an empty layer by default); to build one, fill a Layer and make_shared it.
    std::shared_ptr<const Layer> layer = std::make_shared<const Layer>();
    /// Source field index of each contract field, in contractFields(role) order (-1: missing).
    std::vector<int> fieldIndex;
    /// The declared land-use classification (ParkLayerSource::classification), "" = detect.
    std::string classification;
    std::string classificationOrigin;
    /// The CRS the layer was transformed from into the park's by a ballpark operation (no
    /// published datum shift: positions may be off by tens of metres), as "name (label)"; ""
    /// when it needed none or an exact one. Maps name it in their footnote.
    std::string ballparkFrom;

    /// Source field index of a contract field ("parcel_id"), or -1 when the layer has none.
    int field(std::string_view contractName) const;
};

/// A park read into memory: every role's layer in one working CRS.
struct Park {
    std::string name;
    Crs crs;
    std::vector<ParkLayer> layers;

    const ParkLayer* layer(Role role) const;
};

/// The name a boundary layer gives its park: the `name` of its approved range (kind 核准范围)
/// first, else its first named feature; "" when it names none.
std::string boundaryParkName(const ParkLayer& boundary);

/// Resolves contract fields against a layer's fields: an explicit mapping first, then the
/// conventional name, then the aliases (all case-insensitive).
std::vector<int> resolveContractFields(Role role, const AttributeTable& attributes,
                                       const std::map<std::string, std::string>& fieldMap = {});

} // namespace parkatlas::geo
