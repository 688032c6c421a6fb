#pragma once

#include "geo/model/geometry_store.h"

#include <geos_c.h>

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace parkatlas::geo {

struct GeosGeomDeleter {
    GEOSContextHandle_t ctx = nullptr;
    void operator()(GEOSGeometry* g) const noexcept
    {
        if (g)
            GEOSGeom_destroy_r(ctx, g);
    }
};
using GeosGeomPtr = std::unique_ptr<GEOSGeometry, GeosGeomDeleter>;

struct GeosPreparedDeleter {
    GEOSContextHandle_t ctx = nullptr;
    void operator()(const GEOSPreparedGeometry* g) const noexcept
    {
        if (g)
            GEOSPreparedGeom_destroy_r(ctx, g);
    }
};
using GeosPreparedPtr = std::unique_ptr<const GEOSPreparedGeometry, GeosPreparedDeleter>;

/// One GEOS context with its WKB reader and writer, for one thread (STYLE.md: every thread that
/// touches GEOS has its own). GEOS's error messages are kept (lastError) instead of printed.
/// Not thread-safe: make one per worker. Geometries it makes must be destroyed with it alive.
class GeosContext {
public:
    GeosContext();
    ~GeosContext();
    GeosContext(const GeosContext&) = delete;
    GeosContext& operator=(const GeosContext&) = delete;

    GEOSContextHandle_t handle() const { return m_handle; }
    /// Takes ownership of a geometry GEOS returned (null stays null).
    GeosGeomPtr own(GEOSGeometry* geometry) const { return GeosGeomPtr(geometry, {m_handle}); }
    GeosPreparedPtr prepare(const GEOSGeometry* geometry) const;
    /// GEOS's last error message on this context ("" when none), then forgets it.
    std::string takeLastError();

    /// Feature `feature` of `store` as a GEOS geometry: Polygon or MultiPolygon, LineString or
    /// MultiLineString, Point or MultiPoint after the store's kind. Rings that are not closed
    /// are closed. Null for an empty feature, and for one GEOS cannot build (a ring of fewer
    /// than four points, a line of one point): then *problem says why.
    GeosGeomPtr fromStore(const GeometryStore& store, std::size_t feature,
                          std::string* problem = nullptr);

    GeosGeomPtr fromWkb(std::span<const unsigned char> wkb);
    /// ISO WKB, 2D; empty for a null geometry.
    std::vector<unsigned char> toWkb(const GEOSGeometry* geometry);

    /// The polygonal (dimension 2) or lineal (dimension 1) components of a geometry as one
    /// MultiPolygon / MultiLineString (an overlay can return a collection mixing dimensions);
    /// an empty collection when there are none. Null when GEOS fails.
    GeosGeomPtr componentsOfDimension(const GEOSGeometry* geometry, int dimension);

private:
    GEOSGeometry* ringFrom(RingView ring, bool closeRing, std::string* problem);
    static void onError(const char* message, void* userdata);

    GEOSContextHandle_t m_handle;
    GEOSWKBReader* m_reader;
    GEOSWKBWriter* m_writer;
    std::string m_lastError;
    std::vector<double> m_buffer;
};

} // namespace parkatlas::geo
