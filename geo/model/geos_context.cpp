#include "geo/model/geos_context.h"

namespace parkatlas::geo {

GeosContext::GeosContext() : m_handle(GEOS_init_r())
{
    GEOSContext_setErrorMessageHandler_r(m_handle, &GeosContext::onError, this);
    m_reader = GEOSWKBReader_create_r(m_handle);
    m_writer = GEOSWKBWriter_create_r(m_handle);
    GEOSWKBWriter_setOutputDimension_r(m_handle, m_writer, 2);
    GEOSWKBWriter_setFlavor_r(m_handle, m_writer, GEOS_WKB_ISO);
    GEOSWKBWriter_setByteOrder_r(m_handle, m_writer, GEOS_WKB_NDR);
}

GeosContext::~GeosContext()
{
    GEOSWKBReader_destroy_r(m_handle, m_reader);
    GEOSWKBWriter_destroy_r(m_handle, m_writer);
    GEOS_finish_r(m_handle);
}

void GeosContext::onError(const char* message, void* userdata)
{
    static_cast<GeosContext*>(userdata)->m_lastError = message ? message : "";
}

std::string GeosContext::takeLastError()
{
    std::string message = std::move(m_lastError);
    m_lastError.clear();
    return message.empty() ? std::string("GEOS failed") : message;
}

GeosPreparedPtr GeosContext::prepare(const GEOSGeometry* geometry) const
{
    return GeosPreparedPtr(geometry ? GEOSPrepare_r(m_handle, geometry) : nullptr, {m_handle});
}

GEOSGeometry* GeosContext::ringFrom(RingView ring, bool closeRing, std::string* problem)
{
    std::size_t count = ring.vertexCount();
    const double* xy = ring.xy.data();
    if (closeRing && count > 0 &&
        (ring.x(0) != ring.x(count - 1) || ring.y(0) != ring.y(count - 1))) {
        m_buffer.assign(ring.xy.begin(), ring.xy.end());
        m_buffer.push_back(ring.x(0));
        m_buffer.push_back(ring.y(0));
        xy = m_buffer.data();
        ++count;
    }
    const std::size_t minimum = closeRing ? 4 : 2;
    if (count < minimum) {
        if (problem)
            *problem =
                closeRing ? "a ring has fewer than 4 points" : "a line has fewer than 2 points";
        return nullptr;
    }
    GEOSCoordSequence* sequence =
        GEOSCoordSeq_copyFromBuffer_r(m_handle, xy, static_cast<unsigned>(count), 0, 0);
    if (!sequence) {
        if (problem)
            *problem = takeLastError();
        return nullptr;
    }
    GEOSGeometry* geometry = closeRing ? GEOSGeom_createLinearRing_r(m_handle, sequence)
                                       : GEOSGeom_createLineString_r(m_handle, sequence);
    if (!geometry && problem)
        *problem = takeLastError();
    return geometry;
}

GeosGeomPtr GeosContext::fromStore(const GeometryStore& store, std::size_t feature,
                                   std::string* problem)
{
    const std::size_t parts = store.partCount(feature);
    if (parts == 0)
        return own(nullptr);
    std::vector<GEOSGeometry*> built;
    built.reserve(parts);
    auto fail = [&]() {
        for (GEOSGeometry* g : built)
            GEOSGeom_destroy_r(m_handle, g);
        return own(nullptr);
    };
    for (std::size_t part = 0; part < parts; ++part) {
        const std::size_t rings = store.ringCount(feature, part);
        switch (store.kind()) {
        case GeometryKind::Polygon: {
            if (rings == 0)
                continue;
            GEOSGeometry* shell = ringFrom(store.ring(feature, part, 0), true, problem);
            if (!shell)
                return fail();
            std::vector<GEOSGeometry*> holes;
            for (std::size_t r = 1; r < rings; ++r) {
                GEOSGeometry* hole = ringFrom(store.ring(feature, part, r), true, problem);
                if (!hole) {
                    GEOSGeom_destroy_r(m_handle, shell);
                    for (GEOSGeometry* h : holes)
                        GEOSGeom_destroy_r(m_handle, h);
                    return fail();
                }
                holes.push_back(hole);
            }
            GEOSGeometry* polygon =
                GEOSGeom_createPolygon_r(m_handle, shell, holes.empty() ? nullptr : holes.data(),
                                         static_cast<unsigned>(holes.size()));
            if (!polygon) {
                if (problem)
                    *problem = takeLastError();
                return fail();
            }
            built.push_back(polygon);
            break;
        }
        case GeometryKind::Line: {
            if (rings == 0)
                continue;
            GEOSGeometry* line = ringFrom(store.ring(feature, part, 0), false, problem);
            if (!line)
                return fail();
            built.push_back(line);
            break;
        }
        case GeometryKind::Point: {
            if (rings == 0)
                continue;
            const RingView ring = store.ring(feature, part, 0);
            if (ring.vertexCount() == 0)
                continue;
            built.push_back(GEOSGeom_createPointFromXY_r(m_handle, ring.x(0), ring.y(0)));
            break;
        }
        case GeometryKind::None:
            return fail();
        }
    }
    if (built.empty())
        return own(nullptr);
    if (built.size() == 1)
        return own(built.front());
    const int type = store.kind() == GeometryKind::Polygon ? GEOS_MULTIPOLYGON
                     : store.kind() == GeometryKind::Line  ? GEOS_MULTILINESTRING
                                                           : GEOS_MULTIPOINT;
    GEOSGeometry* collection = GEOSGeom_createCollection_r(m_handle, type, built.data(),
                                                           static_cast<unsigned>(built.size()));
    if (!collection) {
        if (problem)
            *problem = takeLastError();
        return fail();
    }
    return own(collection);
}

GeosGeomPtr GeosContext::fromWkb(std::span<const unsigned char> wkb)
{
    if (wkb.empty())
        return own(nullptr);
    return own(GEOSWKBReader_read_r(m_handle, m_reader, wkb.data(), wkb.size()));
}

std::vector<unsigned char> GeosContext::toWkb(const GEOSGeometry* geometry)
{
    if (!geometry)
        return {};
    std::size_t size = 0;
    unsigned char* bytes = GEOSWKBWriter_write_r(m_handle, m_writer, geometry, &size);
    if (!bytes)
        return {};
    std::vector<unsigned char> out(bytes, bytes + size);
    GEOSFree_r(m_handle, bytes);
    return out;
}

GeosGeomPtr GeosContext::componentsOfDimension(const GEOSGeometry* geometry, int dimension)
{
    const int multiType = dimension == 2 ? GEOS_MULTIPOLYGON : GEOS_MULTILINESTRING;
    std::vector<GEOSGeometry*> parts;
    auto collect = [&](auto& self, const GEOSGeometry* g) -> void {
        const int type = GEOSGeomTypeId_r(m_handle, g);
        if (type == GEOS_GEOMETRYCOLLECTION || type == GEOS_MULTIPOLYGON ||
            type == GEOS_MULTILINESTRING || type == GEOS_MULTIPOINT) {
            const int n = GEOSGetNumGeometries_r(m_handle, g);
            for (int i = 0; i < n; ++i)
                self(self, GEOSGetGeometryN_r(m_handle, g, i));
            return;
        }
        const bool wanted = dimension == 2 ? type == GEOS_POLYGON
                                           : (type == GEOS_LINESTRING || type == GEOS_LINEARRING);
        if (wanted && !GEOSisEmpty_r(m_handle, g)) {
            if (type == GEOS_LINEARRING) {
                const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(m_handle, g);
                parts.push_back(
                    GEOSGeom_createLineString_r(m_handle, GEOSCoordSeq_clone_r(m_handle, seq)));
            } else {
                parts.push_back(GEOSGeom_clone_r(m_handle, g));
            }
        }
    };
    if (geometry)
        collect(collect, geometry);
    return own(GEOSGeom_createCollection_r(m_handle, multiType,
                                           parts.empty() ? nullptr : parts.data(),
                                           static_cast<unsigned>(parts.size())));
}

} // namespace parkatlas::geo
