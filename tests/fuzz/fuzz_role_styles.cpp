// The viewer's style files: roles.json (symbols, classes, ground-width lines, labels, drawing
// order) and landuse.json (colours of the land-use codes), loaded as RoleStyleBook loads them,
// then applied to a small layer of every role (land-use codes, stages, kinds and widths as the
// styles look them up). RoleStyleBook::load never throws: problems are listed.
//
// Input: roles.json, then optionally landuse.json after kPartSeparator. Needs Qt (GUI builds).

#include "fuzz_support.h"

#include "app/render/role_style_book.h"

#include "geo/model/layer.h"
#include "geo/model/role.h"

#include <QString>
#include <cpl_conv.h>

#include <memory>

using namespace parkatlas;

namespace {

std::shared_ptr<const geo::Layer> layerFor(geo::Role role, geo::GeometryKind kind)
{
    auto layer = std::make_shared<geo::Layer>();
    layer->name = geo::toString(role);
    layer->geometry = geo::GeometryStore(kind);
    layer->attributes.setFields({{"land_use", geo::FieldType::String, 10, 0},
                                 {"stage", geo::FieldType::String, 10, 0},
                                 {"kind", geo::FieldType::String, 10, 0},
                                 {"width_m", geo::FieldType::Real, 10, 2},
                                 {"name", geo::FieldType::String, 10, 0}});
    const char* const codes[] = {"M1", "100101", "xx"};
    for (int i = 0; i < 3; ++i) {
        auto& store = layer->geometry;
        store.beginFeature();
        store.beginPart();
        store.beginRing();
        store.addVertex(i, 0);
        if (kind != geo::GeometryKind::Point) {
            store.addVertex(i + 1, 0);
            store.addVertex(i + 1, 1);
            store.addVertex(i, 0);
        }
        store.endFeature();
        layer->attributes.setText(0, codes[i]);
        layer->attributes.setText(1, i == 0 ? "在建" : "竣工");
        layer->attributes.setText(2, i == 0 ? "污水" : "电力");
        if (i == 2)
            layer->attributes.setUnknown(3);
        else
            layer->attributes.setReal(3, 10.0 * i);
        layer->attributes.setText(4, "一号路");
        layer->attributes.commitRow();
        layer->fids.push_back(i);
    }
    return layer;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    CPLSetErrorHandler(CPLQuietErrorHandler);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const auto parts = fuzz::splitParts(data, size);
    fuzz::writeScratch("roles.json", parts[0]);
    if (parts.size() > 1)
        fuzz::writeScratch("landuse.json", parts[1]);
    else
        fuzz::removeScratch("landuse.json");
    const render::RoleStyleBook book =
        render::RoleStyleBook::load(QString::fromStdString(fuzz::scratchFolder()));
    (void)book.problems();
    std::vector<std::shared_ptr<const geo::Layer>> layers;
    for (geo::Role role : geo::allRoles())
        for (geo::GeometryKind kind :
             {geo::GeometryKind::Polygon, geo::GeometryKind::Line, geo::GeometryKind::Point}) {
            layers.push_back(layerFor(role, kind));
            (void)book.drawingRank(role, kind);
        }
    (void)book.styleLayers(layers);
    (void)book.landUseColour("M12");
    (void)book.landUseName("100101");
    return 0;
}
