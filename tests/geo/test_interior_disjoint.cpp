// provesInteriorsDisjoint: the overlap rule's shortcut must prove clean neighbours apart and
// never call overlapping plots apart. Hand-made cases, then a sweep of grid-snapped polygons
// (shared edges, collinear overlaps, T-junctions, containment, equal plots) judged against GEOS.
// provesValidSimplePolygon: the validity shortcut must never call a ring GEOS rejects valid.
#include "geo/model/geometry_store.h"
#include "geo/model/geos_context.h"
#include "geo/rules/interior_disjoint.h"
#include "geo/io/source.h"
#include "geo/issue.h"

#include <geos_c.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

using namespace parkatlas::geo;

namespace {

using Ring = std::vector<std::pair<double, double>>;

/// Appends one polygon (exterior then holes, each closed as stored) or a multipolygon (one
/// part per entry) to `store`; returns its index.
std::size_t addFeature(GeometryStore& store, const std::vector<std::vector<Ring>>& parts)
{
    store.beginFeature();
    for (const auto& rings : parts) {
        store.beginPart();
        for (const Ring& ring : rings) {
            store.beginRing();
            for (const auto& [x, y] : ring)
                store.addVertex(x, y);
            store.addVertex(ring.front().first, ring.front().second);
        }
    }
    store.endFeature();
    return store.featureCount() - 1;
}

std::size_t addPolygon(GeometryStore& store, const Ring& exterior, std::vector<Ring> holes = {})
{
    std::vector<Ring> rings = {exterior};
    rings.insert(rings.end(), holes.begin(), holes.end());
    return addFeature(store, {rings});
}

// Coordinates of a plot in EPSG:4547 (the rounding of real eastings and northings).
constexpr double kE = 500123.457, kN = 3375541.733;

Ring shifted(Ring ring)
{
    for (auto& [x, y] : ring) {
        x += kE;
        y += kN;
    }
    return ring;
}

bool interiorsMeet(GeosContext& geos, const GeometryStore& store, std::size_t a, std::size_t b)
{
    GeosGeomPtr ga = geos.fromStore(store, a), gb = geos.fromStore(store, b);
    return GEOSRelatePattern_r(geos.handle(), ga.get(), gb.get(), "T********") == 1;
}

} // namespace

TEST(InteriorDisjointTest, NeighboursSharingEdgesVertexForVertexAreProvenApart)
{
    GeometryStore store(GeometryKind::Polygon);
    // Two plots across a slanted dividing line with two surveyed vertices on it, shared.
    const std::size_t west = addPolygon(
        store, shifted({{0, 0}, {0, 100}, {47.5, 100}, {49.25, 66.1}, {51.5, 31.7}, {52.5, 0}}));
    const std::size_t east = addPolygon(store, shifted({{52.5, 0}, {51.5, 31.7}, {49.25, 66.1},
                                                        {47.5, 100}, {120, 100}, {120, 0}}));
    // Touching at one corner only.
    const std::size_t corner = addPolygon(store, shifted({{120, 100}, {120, 160}, {200, 160}, {200, 100}}));
    EXPECT_TRUE(provesInteriorsDisjoint(store, west, store, east));
    EXPECT_TRUE(provesInteriorsDisjoint(store, east, store, west));
    EXPECT_TRUE(provesInteriorsDisjoint(store, east, store, corner));
    EXPECT_TRUE(provesInteriorsDisjoint(store, west, store, corner)); // apart altogether
}

TEST(InteriorDisjointTest, AnEnclaveFillingAHoleIsApartFromItsHost)
{
    GeometryStore store(GeometryKind::Polygon);
    const Ring hole = shifted({{40, 40}, {60, 40}, {60, 70}, {40, 70}});
    const std::size_t host =
        addPolygon(store, shifted({{0, 0}, {100, 0}, {100, 100}, {0, 100}}), {hole});
    const std::size_t enclave = addPolygon(store, hole);
    EXPECT_TRUE(provesInteriorsDisjoint(store, host, store, enclave));
    EXPECT_TRUE(provesInteriorsDisjoint(store, enclave, store, host));
}

TEST(InteriorDisjointTest, OverlapsContainmentAndCopiesAreNeverCalledApart)
{
    GeometryStore store(GeometryKind::Polygon);
    const std::size_t square = addPolygon(store, shifted({{0, 0}, {0, 10}, {10, 10}, {10, 0}}));
    const std::size_t shiftedSquare =
        addPolygon(store, shifted({{5, 5}, {5, 15}, {15, 15}, {15, 5}}));
    // A triangle on three of the square's corners: inside it, no vertex strictly inside.
    const std::size_t corners = addPolygon(store, shifted({{0, 0}, {0, 10}, {10, 10}}));
    // The same square again, starting elsewhere and running the other way.
    const std::size_t copy = addPolygon(store, shifted({{10, 10}, {0, 10}, {0, 0}, {10, 0}}));
    // A plot sharing one whole edge but lying on the same side of it.
    const std::size_t inner = addPolygon(store, shifted({{0, 0}, {0, 10}, {4, 10}, {4, 0}}));
    // Crossing the square's corner (a diagonal touching a vertex, entering the interior).
    const std::size_t bowl = addPolygon(store, shifted({{0, 0}, {10, 10}, {-1, 13}}));
    for (std::size_t other : {shiftedSquare, corners, copy, inner, bowl}) {
        EXPECT_FALSE(provesInteriorsDisjoint(store, square, store, other)) << other;
        EXPECT_FALSE(provesInteriorsDisjoint(store, other, store, square)) << other;
    }
}

TEST(InteriorDisjointTest, MultipolygonsAndLinesAreLeftToGeos)
{
    GeometryStore store(GeometryKind::Polygon);
    const std::size_t multi = addFeature(store, {{{{0, 0}, {0, 1}, {1, 1}, {1, 0}}},
                                                 {{{5, 5}, {5, 6}, {6, 6}, {6, 5}}}});
    const std::size_t far = addPolygon(store, {{10, 10}, {10, 11}, {11, 11}, {11, 10}});
    EXPECT_FALSE(provesInteriorsDisjoint(store, multi, store, far));
}

// Every pair of small polygons on a 4 × 4 grid (rectangles, triangles, an L), near real
// coordinates: whenever the shortcut says apart, GEOS must agree; and it must say so for a good
// share of the pairs GEOS finds apart (else it saves nothing).
TEST(InteriorDisjointTest, NeverDisagreesWithGeosOnGridPolygons)
{
    std::vector<Ring> shapes;
    for (int x0 = 0; x0 < 4; ++x0)
        for (int y0 = 0; y0 < 4; ++y0)
            for (int w = 1; x0 + w <= 4; ++w)
                for (int h = 1; y0 + h <= 4; ++h) {
                    const double a = x0 * 12.5, b = y0 * 12.5, c = (x0 + w) * 12.5,
                                 d = (y0 + h) * 12.5;
                    shapes.push_back({{a, b}, {a, d}, {c, d}, {c, b}});
                    shapes.push_back({{a, b}, {a, d}, {c, b}});
                    shapes.push_back({{a, d}, {c, d}, {c, b}});
                    if (w >= 2 && h >= 2)
                        shapes.push_back({{a, b}, {a, d}, {a + 12.5, d}, {a + 12.5, b + 12.5},
                                          {c, b + 12.5}, {c, b}});
                }
    GeometryStore store(GeometryKind::Polygon);
    for (const Ring& shape : shapes)
        addPolygon(store, shifted(shape));
    GeosContext geos;
    std::int64_t proven = 0, apart = 0, wrong = 0;
    for (std::size_t i = 0; i < store.featureCount(); ++i)
        for (std::size_t j = i + 1; j < store.featureCount(); j += 3) {
            if (!store.envelope(i).intersects(store.envelope(j)))
                continue;
            const bool meet = interiorsMeet(geos, store, i, j);
            const bool says = provesInteriorsDisjoint(store, i, store, j);
            apart += meet ? 0 : 1;
            proven += says ? 1 : 0;
            if (says && meet) {
                ++wrong;
                ADD_FAILURE() << "features " << i << " and " << j << " overlap";
            }
        }
    EXPECT_EQ(wrong, 0);
    EXPECT_GT(apart, 1000);
    // (Partly shared edges make T-junctions, left to GEOS: about a fifth of the pairs here.)
    EXPECT_GT(proven, apart / 6) << proven << " of " << apart << " pairs proven apart";
}

namespace {

bool geosValid(GeosContext& geos, const GeometryStore& store, std::size_t feature)
{
    GeosGeomPtr g = geos.fromStore(store, feature);
    return g && GEOSisValid_r(geos.handle(), g.get()) == 1;
}

} // namespace

TEST(ValidSimplePolygonTest, ProvesPlainPlotsAndRefusesEveryInvalidRing)
{
    GeometryStore store(GeometryKind::Polygon);
    const std::size_t square = addPolygon(store, shifted({{0, 0}, {0, 10}, {10, 10}, {10, 0}}));
    // A surveyed vertex in the middle of a straight edge, and a repeated vertex.
    const std::size_t collinear =
        addPolygon(store, shifted({{0, 0}, {0, 5}, {0, 10}, {10, 10}, {10, 10}, {10, 0}}));
    const std::size_t triangle = addPolygon(store, shifted({{0, 0}, {5, 10}, {10, 0}}));
    const std::size_t bowTie = addPolygon(store, shifted({{0, 0}, {10, 10}, {10, 0}, {0, 10}}));
    const std::size_t spike =
        addPolygon(store, shifted({{0, 0}, {0, 10}, {5, 10}, {5, 15}, {5, 10}, {10, 10}, {10, 0}}));
    const std::size_t backtrack = addPolygon(store, shifted({{0, 0}, {0, 10}, {0, 5}, {10, 0}}));
    const std::size_t selfTouch = addPolygon(
        store, shifted({{0, 0}, {0, 10}, {5, 5}, {10, 10}, {10, 0}, {5, 5}}));
    const std::size_t flat = addPolygon(store, shifted({{0, 0}, {5, 0}, {10, 0}}));
    const std::size_t twoPoints = addPolygon(store, shifted({{0, 0}, {10, 0}}));
    const std::size_t withHole = addPolygon(store, shifted({{0, 0}, {0, 10}, {10, 10}, {10, 0}}),
                                            {shifted({{2, 2}, {4, 2}, {4, 4}, {2, 4}})});
    EXPECT_TRUE(provesValidSimplePolygon(store, square));
    EXPECT_TRUE(provesValidSimplePolygon(store, collinear));
    EXPECT_TRUE(provesValidSimplePolygon(store, triangle));
    for (std::size_t refused : {bowTie, spike, backtrack, selfTouch, flat, twoPoints, withHole})
        EXPECT_FALSE(provesValidSimplePolygon(store, refused)) << "feature " << refused;
    GeosContext geos;
    for (std::size_t i = 0; i < store.featureCount(); ++i) {
        if (provesValidSimplePolygon(store, i)) {
            EXPECT_TRUE(geosValid(geos, store, i)) << "feature " << i;
        }
    }
}

TEST(ValidSimplePolygonTest, NeverDisagreesWithGeosOnGridRings)
{
    // Every ring of 4 to 6 vertices drawn from a 3×3 grid (and a third of them at 7): bow-ties,
    // spikes, self-touching and collinear rings by the thousand, among valid ones.
    std::vector<std::pair<double, double>> grid;
    for (int x = 0; x < 3; ++x)
        for (int y = 0; y < 3; ++y)
            grid.push_back({x * 12.5, y * 12.5});
    GeometryStore store(GeometryKind::Polygon);
    std::uint32_t seed = 12345;
    auto next = [&] {
        seed = seed * 1664525u + 1013904223u;
        return seed >> 8;
    };
    for (int k = 0; k < 20000; ++k) {
        const std::size_t n = 3 + next() % 5;
        Ring ring;
        for (std::size_t v = 0; v < n; ++v)
            ring.push_back(grid[next() % grid.size()]);
        addPolygon(store, shifted(ring));
    }
    GeosContext geos;
    std::int64_t proven = 0, valid = 0, wrong = 0;
    for (std::size_t i = 0; i < store.featureCount(); ++i) {
        const bool isValid = geosValid(geos, store, i);
        const bool says = provesValidSimplePolygon(store, i);
        valid += isValid ? 1 : 0;
        proven += says ? 1 : 0;
        if (says && !isValid) {
            ++wrong;
            ADD_FAILURE() << "feature " << i << " is invalid";
        }
    }
    EXPECT_EQ(wrong, 0);
    EXPECT_GT(valid, 2000);
    EXPECT_GT(proven, valid / 2) << proven << " of " << valid << " valid rings proven";
}

TEST(ValidSimplePolygonTest, NeverDisagreesWithGeosOnRealPolygons)
{
    const std::string realdata = PARKATLAS_REALDATA;
    const char* files[] = {"/china/ae102devedemo/DLTB.shp",
                           "/china/ae102devedemo/DLTB_Erase.shp",
                           "/china/arcgis-engine-practice/townshp.shp",
                           "/china/dongli-china-shapefiles/china.shp",
                           "/parcels/rockbridge-zoning/buena-vista/BV_LandUse_2011.shp",
                           "/parcels/rockbridge-zoning/lexington/Zoning.shp",
                           "/parcels/rockbridge-zoning/buena-vista/Parcel20211201.shp",
                           "/parcels/rockbridge-zoning/rockbridge/Rockbridge_Zoning20230126.shp"};
    GeosContext geos;
    std::int64_t features = 0, proven = 0, wrong = 0;
    for (const char* file : files) {
        IssueList issues;
        const Layer layer = readLayer({realdata + file, ""}, ReadOptions{}, issues);
        const GeometryStore& store = layer.geometry;
        ASSERT_EQ(store.kind(), GeometryKind::Polygon) << file;
        for (std::size_t i = 0; i < store.featureCount(); ++i) {
            if (store.isEmpty(i))
                continue;
            ++features;
            if (!provesValidSimplePolygon(store, i))
                continue;
            ++proven;
            if (!geosValid(geos, store, i)) {
                ++wrong;
                ADD_FAILURE() << file << " feature " << i << " is invalid";
            }
        }
    }
    EXPECT_EQ(wrong, 0);
    EXPECT_GT(features, 1000);
    EXPECT_GT(proven, features / 3) << proven << " of " << features << " proven valid";
    std::cout << proven << " of " << features << " real polygons proven valid\n";
}

// provesPlacement: the zone overlay's shortcut (land_use_mismatch and the dominant zone of
// intensity_below_standard) must agree with GEOS's prepared intersects and contains whenever it
// answers: Inside means both true, Apart means intersects false.
namespace {

struct PlacementTally {
    std::int64_t pairs = 0, inside = 0, apart = 0, wrong = 0;
};

/// The outline of a GEOS polygon (a buffer), through a store as the rules keep polygons.
PolygonOutline outlineOfGeos(GeosContext& geos, const GEOSGeometry* polygon)
{
    GeometryStore store(GeometryKind::Polygon);
    const std::vector<unsigned char> wkb = geos.toWkb(polygon);
    store.appendWkb(wkb.data(), wkb.size());
    PolygonOutline outline;
    outline.assign(store, 0);
    return outline;
}

/// Judges `a` against `b` both ways (provesPlacement and GEOS), counting into `tally`.
void judgePlacement(GeosContext& geos, const PolygonOutline& a, const GEOSGeometry* ga,
                    const PolygonOutline& b, const GEOSPreparedGeometry* pb, PlacementTally& tally,
                    const std::string& what)
{
    GEOSContextHandle_t h = geos.handle();
    ++tally.pairs;
    const Placement says = provesPlacement(a, b);
    if (says == Placement::Unsure)
        return;
    const bool intersects = GEOSPreparedIntersects_r(h, pb, ga) == 1;
    const bool contains = GEOSPreparedContains_r(h, pb, ga) == 1;
    if (says == Placement::Inside) {
        ++tally.inside;
        if (!intersects || !contains) {
            ++tally.wrong;
            ADD_FAILURE() << what << ": proven inside, GEOS: intersects " << intersects
                          << ", contains " << contains;
        }
    } else {
        ++tally.apart;
        if (intersects) {
            ++tally.wrong;
            ADD_FAILURE() << what << ": proven apart, GEOS finds them intersecting";
        }
    }
}

/// Every pair of features of `store` (valid polygons) whose envelopes meet, each way round.
PlacementTally judgeAllPairs(const GeometryStore& store, std::size_t step = 1)
{
    GeosContext geos;
    GEOSContextHandle_t h = geos.handle();
    std::vector<GeosGeomPtr> geometries;
    std::vector<GeosPreparedPtr> prepared;
    std::vector<PolygonOutline> outlines(store.featureCount());
    for (std::size_t i = 0; i < store.featureCount(); ++i) {
        geometries.push_back(geos.fromStore(store, i));
        prepared.push_back(geometries.back() ? geos.prepare(geometries.back().get())
                                             : GeosPreparedPtr());
        outlines[i].assign(store, i);
    }
    PlacementTally tally;
    for (std::size_t i = 0; i < store.featureCount(); ++i) {
        if (!geometries[i] || GEOSisValid_r(h, geometries[i].get()) != 1)
            continue;
        for (std::size_t j = 0; j < store.featureCount(); j += (j + 1 == i ? 1 : step)) {
            if (j == i || !geometries[j] || !store.envelope(i).intersects(store.envelope(j)) ||
                GEOSisValid_r(h, geometries[j].get()) != 1)
                continue;
            judgePlacement(geos, outlines[i], geometries[i].get(), outlines[j],
                           prepared[j].get(), tally,
                           "features " + std::to_string(i) + " in " + std::to_string(j));
        }
    }
    return tally;
}

} // namespace

TEST(PlacementTest, HandMadePlotsInsideApartAndAlongAZone)
{
    GeometryStore store(GeometryKind::Polygon);
    const Ring zoneRing = {{0, 0}, {0, 100}, {120, 100}, {120, 0}};
    const std::size_t zone = addPolygon(store, shifted(zoneRing));
    const std::size_t inside =
        addPolygon(store, shifted({{10, 10}, {10, 40}, {50.5, 41.25}, {48, 10}}));
    const std::size_t apart =
        addPolygon(store, shifted({{130, 10}, {130, 40}, {170, 40}, {170, 10}}));
    // Sharing the zone's edge (as a plot along a street centre line does): GEOS decides.
    const std::size_t along = addPolygon(store, shifted({{0, 10}, {0, 40}, {30, 40}, {30, 10}}));
    const std::size_t across =
        addPolygon(store, shifted({{100, 10}, {100, 40}, {140, 40}, {140, 10}}));
    // A zone with a hole: a plot in the hole is apart; a plot around the hole is not inside.
    const std::size_t holed =
        addPolygon(store, shifted(zoneRing), {shifted({{70, 60}, {70, 80}, {90, 80}, {90, 60}})});
    const std::size_t inHole = addPolygon(store, shifted({{75, 65}, {75, 75}, {85, 75}, {85, 65}}));
    const std::size_t aroundHole =
        addPolygon(store, shifted({{65, 55}, {65, 85}, {95, 85}, {95, 55}}));
    PolygonOutline z, zh, p;
    ASSERT_TRUE(z.assign(store, zone));
    ASSERT_TRUE(zh.assign(store, holed));
    auto placed = [&](std::size_t plot, const PolygonOutline& in) {
        EXPECT_TRUE(p.assign(store, plot));
        return provesPlacement(p, in);
    };
    EXPECT_EQ(placed(inside, z), Placement::Inside);
    EXPECT_EQ(placed(apart, z), Placement::Apart);
    EXPECT_EQ(placed(along, z), Placement::Unsure);
    EXPECT_EQ(placed(across, z), Placement::Unsure);
    EXPECT_EQ(placed(inside, zh), Placement::Inside);
    EXPECT_EQ(placed(inHole, zh), Placement::Apart);
    EXPECT_EQ(placed(aroundHole, zh), Placement::Unsure);
    // The zone is not inside the plot in its hole, nor the holed zone inside anything.
    EXPECT_EQ(provesPlacement(zh, p), Placement::Unsure); // p: aroundHole
    const PlacementTally tally = judgeAllPairs(store);
    EXPECT_EQ(tally.wrong, 0);
    EXPECT_GT(tally.inside, 0);
    EXPECT_GT(tally.apart, 0);
}

TEST(PlacementTest, NeverDisagreesWithGeosOnGridPolygons)
{
    // Rectangles, triangles and L shapes on a 12.5 m grid, and the same shrunk a little about
    // their centres (strictly inside or apart from their neighbours), with a few holes.
    std::vector<std::pair<Ring, std::vector<Ring>>> shapes;
    for (int x0 = 0; x0 < 4; ++x0)
        for (int y0 = 0; y0 < 4; ++y0)
            for (int w = 1; x0 + w <= 4; ++w)
                for (int h = 1; y0 + h <= 4; ++h) {
                    const double a = x0 * 12.5, b = y0 * 12.5, c = (x0 + w) * 12.5,
                                 d = (y0 + h) * 12.5;
                    shapes.push_back({{{a, b}, {a, d}, {c, d}, {c, b}}, {}});
                    shapes.push_back({{{a, b}, {a, d}, {c, b}}, {}});
                    const double i = 0.731, cx = (a + c) / 2, cy = (b + d) / 2;
                    shapes.push_back(
                        {{{a + i, b + i}, {a + i, d - i}, {c - i, d - i}, {c - i, b + i}}, {}});
                    if (w >= 2 && h >= 2) {
                        shapes.push_back({{{a, b}, {a, d}, {a + 12.5, d}, {a + 12.5, b + 12.5},
                                           {c, b + 12.5}, {c, b}},
                                          {}});
                        shapes.push_back({{{a, b}, {a, d}, {c, d}, {c, b}},
                                          {{{cx - 3, cy - 3},
                                            {cx - 3, cy + 3},
                                            {cx + 3, cy + 3},
                                            {cx + 3, cy - 3}}}});
                    }
                }
    GeometryStore store(GeometryKind::Polygon);
    for (const auto& [shell, holes] : shapes) {
        std::vector<Ring> moved;
        for (const Ring& hole : holes)
            moved.push_back(shifted(hole));
        addPolygon(store, shifted(shell), moved);
    }
    const PlacementTally tally = judgeAllPairs(store, 2);
    EXPECT_EQ(tally.wrong, 0);
    EXPECT_GT(tally.pairs, 10000);
    EXPECT_GT(tally.inside, 500) << tally.inside << " of " << tally.pairs << " proven inside";
    EXPECT_GT(tally.apart, 500) << tally.apart << " of " << tally.pairs << " proven apart";
}

TEST(PlacementTest, NeverDisagreesWithGeosOnRealParcelsZonesAndRedLines)
{
    const std::string realdata = PARKATLAS_REALDATA;
    auto read = [&](const char* file) {
        IssueList issues;
        return readLayer({realdata + file, ""}, ReadOptions{}, issues);
    };
    // Real parcels in the real land-use zones of the same town (the zone overlay), and the
    // zones against the parcels.
    const Layer parcels = read("/parcels/rockbridge-zoning/buena-vista/Parcel20211201.shp");
    const Layer zones = read("/parcels/rockbridge-zoning/buena-vista/BV_LandUse_2011.shp");
    const Layer dltb = read("/china/ae102devedemo/DLTB.shp");
    const Layer roads = read("/china/ae102devedemo/Road.shp");
    ASSERT_EQ(parcels.geometry.kind(), GeometryKind::Polygon);
    ASSERT_EQ(zones.geometry.kind(), GeometryKind::Polygon);
    GeosContext geos;
    GEOSContextHandle_t h = geos.handle();
    PlacementTally tally;
    struct Polygons {
        std::vector<GeosGeomPtr> geometry;
        std::vector<GeosPreparedPtr> prepared;
        std::vector<PolygonOutline> outline;
    };
    auto polygonsOf = [&](const GeometryStore& store) {
        Polygons p;
        p.outline.resize(store.featureCount());
        for (std::size_t i = 0; i < store.featureCount(); ++i) {
            GeosGeomPtr g = geos.fromStore(store, i);
            if (g && GEOSisValid_r(h, g.get()) != 1)
                g = geos.own(nullptr);
            p.prepared.push_back(g ? geos.prepare(g.get()) : GeosPreparedPtr());
            p.geometry.push_back(std::move(g));
            p.outline[i].assign(store, i);
        }
        return p;
    };
    const Polygons plots = polygonsOf(parcels.geometry), plan = polygonsOf(zones.geometry);
    for (std::size_t i = 0; i < parcels.geometry.featureCount(); ++i)
        for (std::size_t z = 0; z < zones.geometry.featureCount(); ++z) {
            if (!plots.geometry[i] || !plan.geometry[z] ||
                !parcels.geometry.envelope(i).intersects(zones.geometry.envelope(z)))
                continue;
            judgePlacement(geos, plots.outline[i], plots.geometry[i].get(), plan.outline[z],
                           plan.prepared[z].get(), tally,
                           "parcel " + std::to_string(i) + " in zone " + std::to_string(z));
            judgePlacement(geos, plan.outline[z], plan.geometry[z].get(), plots.outline[i],
                           plots.prepared[i].get(), tally,
                           "zone " + std::to_string(z) + " in parcel " + std::to_string(i));
        }
    const PlacementTally zoned = tally;
    // Red lines as road_red_line draws them (GEOSBuffer of a centre line, 8 segments a
    // quadrant): the real roads over the real 地类图斑, and lines across the parcels every
    // 1 500 ft, 60 and 160 ft wide.
    std::vector<GeosGeomPtr> strips;
    for (std::size_t r = 0; r < roads.geometry.featureCount(); ++r)
        for (const double half : {5.0, 14.0, 40.0})
            if (GeosGeomPtr line = geos.fromStore(roads.geometry, r))
                strips.push_back(geos.own(GEOSBuffer_r(h, line.get(), half, 8)));
    const std::size_t roadStrips = strips.size();
    double minX = 1e300, minY = 1e300, maxX = -1e300, maxY = -1e300;
    for (std::size_t i = 0; i < parcels.geometry.featureCount(); ++i) {
        const Envelope& f = parcels.geometry.envelope(i);
        if (f.isEmpty())
            continue;
        minX = std::min(minX, f.minX);
        minY = std::min(minY, f.minY);
        maxX = std::max(maxX, f.maxX);
        maxY = std::max(maxY, f.maxY);
    }
    for (double x = minX + 700; x < maxX; x += 1500)
        for (const double half : {30.0, 80.0}) {
            const std::string wkt = "LINESTRING (" + std::to_string(x) + " " +
                                    std::to_string(minY) + ", " + std::to_string(x + 900.5) + " " +
                                    std::to_string(maxY) + ")";
            GeosGeomPtr line = geos.own(GEOSGeomFromWKT_r(h, wkt.c_str()));
            strips.push_back(geos.own(GEOSBuffer_r(h, line.get(), half, 8)));
        }
    const Polygons area = polygonsOf(dltb.geometry);
    for (std::size_t s = 0; s < strips.size(); ++s) {
        ASSERT_TRUE(strips[s]);
        const PolygonOutline outline = outlineOfGeos(geos, strips[s].get());
        GeosPreparedPtr prepared = geos.prepare(strips[s].get());
        const bool chinese = s < roadStrips;
        const GeometryStore& store = chinese ? dltb.geometry : parcels.geometry;
        const Polygons& polygons = chinese ? area : plots;
        double sx0, sy0, sx1, sy1;
        GEOSGeom_getXMin_r(h, strips[s].get(), &sx0);
        GEOSGeom_getYMin_r(h, strips[s].get(), &sy0);
        GEOSGeom_getXMax_r(h, strips[s].get(), &sx1);
        GEOSGeom_getYMax_r(h, strips[s].get(), &sy1);
        for (std::size_t i = 0; i < store.featureCount(); ++i) {
            const Envelope& f = store.envelope(i);
            if (!polygons.geometry[i] || f.isEmpty() || f.maxX < sx0 || f.minX > sx1 ||
                f.maxY < sy0 || f.minY > sy1)
                continue;
            judgePlacement(geos, polygons.outline[i], polygons.geometry[i].get(), outline,
                           prepared.get(), tally,
                           "polygon " + std::to_string(i) + " in strip " + std::to_string(s));
        }
    }
    EXPECT_EQ(tally.wrong, 0);
    EXPECT_GT(zoned.inside, 1000) << zoned.inside << " of " << zoned.pairs;
    EXPECT_GT(zoned.apart, 1000) << zoned.apart << " of " << zoned.pairs;
    EXPECT_GT(tally.inside - zoned.inside, 10) << "plots proven inside red lines";
    EXPECT_GT(tally.apart - zoned.apart, 100) << "plots proven apart from red lines";
    std::cout << tally.inside << " inside and " << tally.apart << " apart of " << tally.pairs
              << " real pairs proven, none against GEOS\n";
}
