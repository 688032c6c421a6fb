#include "geo/edit/edit_geometry.h"

#include "geo/error.h"
#include "geo/io/json_writer.h"
#include "geo/model/geos_context.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <span>
#include <utility>

namespace parkatlas::geo {

namespace {

// ---------------------------------------------------------------------------------------------
// WKB reading: ISO (type + 1000 × dimension) and extended (EWKB flags 0x80000000 Z,
// 0x40000000 M, 0x20000000 SRID), either byte order. Every count is checked against the bytes
// left before anything is allocated, so a hostile count cannot ask for gigabytes.

class WkbReader {
public:
    explicit WkbReader(std::span<const unsigned char> bytes) : m_bytes(bytes) {}

    EditGeometry read()
    {
        EditGeometry geometry;
        const Header header = readHeader();
        switch (header.type) {
        case 2:
            geometry.kind = GeometryKind::Line;
            geometry.lines.push_back(readPoints(header.dimensions));
            break;
        case 3:
            geometry.kind = GeometryKind::Polygon;
            geometry.polygons.push_back(readPolygon(header.dimensions));
            break;
        case 5:
        case 6: {
            const bool polygons = header.type == 6;
            geometry.kind = polygons ? GeometryKind::Polygon : GeometryKind::Line;
            const std::uint32_t parts = readCount(5, "parts"); // each part: at least a header
            for (std::uint32_t i = 0; i < parts; ++i) {
                const Header part = readHeader();
                if (part.type != (polygons ? 3u : 2u))
                    fail("a " + std::string(polygons ? "MultiPolygon" : "MultiLineString") +
                         " holds a " + typeName(part.type));
                if (polygons)
                    geometry.polygons.push_back(readPolygon(part.dimensions));
                else
                    geometry.lines.push_back(readPoints(part.dimensions));
            }
            break;
        }
        default:
            fail(std::string("a ") + typeName(header.type) +
                 " cannot be edited here (only (Multi)Polygon and (Multi)LineString)");
        }
        if (m_at != m_bytes.size())
            fail(std::to_string(m_bytes.size() - m_at) + " bytes after the end of the geometry");
        // Polygons with no rings (POLYGON EMPTY, or parts of a MultiPolygon) carry nothing.
        std::erase_if(geometry.polygons, [](const EditPolygon& p) { return p.rings.empty(); });
        std::erase_if(geometry.lines, [](const auto& line) { return line.empty(); });
        return geometry;
    }

private:
    struct Header {
        std::uint32_t type = 0; // 1 … 7
        std::size_t dimensions = 2;
    };

    [[noreturn]] void fail(const std::string& why) const
    {
        throw IoError("bad WKB at byte " + std::to_string(m_at) + " of " +
                      std::to_string(m_bytes.size()) + ": " + why);
    }

    static std::string typeName(std::uint32_t type)
    {
        static const char* const kNames[] = {
            "Geometry",   "Point",           "LineString",   "Polygon",
            "MultiPoint", "MultiLineString", "MultiPolygon", "GeometryCollection"};
        if (type < 8)
            return kNames[type];
        return "geometry of type " + std::to_string(type);
    }

    void need(std::size_t count, const char* what) const
    {
        if (m_bytes.size() - m_at < count)
            fail(std::string("truncated (") + what + " needs " + std::to_string(count) +
                 " bytes, " + std::to_string(m_bytes.size() - m_at) + " left)");
    }

    std::uint32_t readUint32()
    {
        need(4, "a 32-bit integer");
        std::uint32_t value;
        std::memcpy(&value, m_bytes.data() + m_at, 4);
        m_at += 4;
        if (m_swap)
            value = ((value & 0xFFu) << 24) | ((value & 0xFF00u) << 8) | ((value >> 8) & 0xFF00u) |
                    (value >> 24);
        return value;
    }

    double readDouble()
    {
        need(8, "a coordinate");
        std::uint64_t bits;
        std::memcpy(&bits, m_bytes.data() + m_at, 8);
        m_at += 8;
        if (m_swap) {
            std::uint64_t swapped = 0;
            for (int i = 0; i < 8; ++i)
                swapped |= ((bits >> (8 * i)) & 0xFFu) << (8 * (7 - i));
            bits = swapped;
        }
        double value;
        std::memcpy(&value, &bits, 8);
        return value;
    }

    /// A count, checked against the bytes left: each item takes at least `bytesEach`.
    std::uint32_t readCount(std::size_t bytesEach, const char* what)
    {
        const std::uint32_t count = readUint32();
        if (static_cast<std::uint64_t>(count) * bytesEach > m_bytes.size() - m_at)
            fail("truncated (" + std::to_string(count) + " " + what + " announced, " +
                 std::to_string(m_bytes.size() - m_at) + " bytes left)");
        return count;
    }

    Header readHeader()
    {
        need(1, "the byte order");
        const unsigned char order = m_bytes[m_at];
        if (order > 1)
            fail("the byte order is " + std::to_string(order) +
                 ", not 0 (big endian) or 1 "
                 "(little endian)");
        ++m_at;
        const bool littleEndianData = order == 1;
        m_swap = littleEndianData != (std::endian::native == std::endian::little);
        std::uint32_t code = readUint32();
        Header header;
        bool hasZ = code & 0x80000000u;
        bool hasM = code & 0x40000000u;
        if (code & 0x20000000u)
            readUint32(); // EWKB SRID: the layer's CRS is known elsewhere
        code &= 0x0FFFFFFFu;
        const std::uint32_t flavour = code / 1000;
        code %= 1000;
        if (flavour > 3)
            fail("unknown geometry type " + std::to_string(code + 1000 * flavour));
        hasZ = hasZ || flavour == 1 || flavour == 3;
        hasM = hasM || flavour == 2 || flavour == 3;
        if (code < 1 || code > 7)
            fail("unknown geometry type " + std::to_string(code) +
                 (code > 7 ? " (curves and surfaces cannot be edited here)" : ""));
        header.type = code;
        header.dimensions = 2 + (hasZ ? 1 : 0) + (hasM ? 1 : 0);
        return header;
    }

    std::vector<EditPoint> readPoints(std::size_t dimensions)
    {
        const std::uint32_t count = readCount(8 * dimensions, "points");
        std::vector<EditPoint> points(count);
        for (EditPoint& point : points) {
            point.x = readDouble();
            point.y = readDouble();
            for (std::size_t d = 2; d < dimensions; ++d)
                readDouble();
        }
        return points;
    }

    EditPolygon readPolygon(std::size_t dimensions)
    {
        const std::uint32_t rings = readCount(4, "rings");
        EditPolygon polygon;
        polygon.rings.reserve(rings);
        for (std::uint32_t r = 0; r < rings; ++r) {
            EditRing ring = readPoints(dimensions);
            if (ring.size() > 1 && ring.front() == ring.back())
                ring.pop_back();
            polygon.rings.push_back(std::move(ring));
        }
        return polygon;
    }

    std::span<const unsigned char> m_bytes;
    std::size_t m_at = 0;
    bool m_swap = false;
};

// ---------------------------------------------------------------------------------------------
// WKB writing: ISO, little endian, 2D.

class WkbWriter {
public:
    void header(std::uint32_t type)
    {
        m_out.push_back(1);
        uint32(type);
    }
    void uint32(std::uint32_t value)
    {
        for (int i = 0; i < 4; ++i)
            m_out.push_back(static_cast<unsigned char>(value >> (8 * i)));
    }
    void point(const EditPoint& p)
    {
        for (double value : {p.x, p.y}) {
            const auto bits = std::bit_cast<std::uint64_t>(value);
            for (int i = 0; i < 8; ++i)
                m_out.push_back(static_cast<unsigned char>(bits >> (8 * i)));
        }
    }
    void points(const std::vector<EditPoint>& path, bool closeRing)
    {
        // Always closed by repeating the first vertex: a ring whose last vertex was dragged onto
        // its first then reads back with the same vertices as it was edited with.
        const bool close = closeRing && !path.empty();
        uint32(static_cast<std::uint32_t>(path.size() + (close ? 1 : 0)));
        for (const EditPoint& p : path)
            point(p);
        if (close)
            point(path.front());
    }
    void polygon(const EditPolygon& polygon)
    {
        header(3);
        uint32(static_cast<std::uint32_t>(polygon.rings.size()));
        for (const EditRing& ring : polygon.rings)
            points(ring, true);
    }
    void line(const std::vector<EditPoint>& line)
    {
        header(2);
        points(line, false);
    }
    std::vector<unsigned char> take() { return std::move(m_out); }

private:
    std::vector<unsigned char> m_out;
};

GeosContext& threadGeos()
{
    thread_local GeosContext context;
    return context;
}

GeosGeomPtr toGeos(GeosContext& geos, const EditGeometry& geometry)
{
    const std::vector<unsigned char> wkb = geometry.toWkb();
    return geos.fromWkb(wkb);
}

EditGeometry fromGeos(GeosContext& geos, const GEOSGeometry* geometry)
{
    return EditGeometry::fromWkb(geos.toWkb(geometry));
}

double squaredDistance(EditPoint a, EditPoint b)
{
    const double dx = a.x - b.x;
    const double dy = a.y - b.y;
    return dx * dx + dy * dy;
}

/// Calls f(ref, path) for every path (ring or line) of the geometry.
template <typename F> void forEachPath(const EditGeometry& geometry, F&& f)
{
    if (geometry.kind == GeometryKind::Polygon) {
        for (std::size_t p = 0; p < geometry.polygons.size(); ++p)
            for (std::size_t r = 0; r < geometry.polygons[p].rings.size(); ++r)
                f(VertexRef{p, r, 0}, geometry.polygons[p].rings[r]);
    } else if (geometry.kind == GeometryKind::Line) {
        for (std::size_t p = 0; p < geometry.lines.size(); ++p)
            f(VertexRef{p, 0, 0}, geometry.lines[p]);
    }
}

} // namespace

EditPoint nearestOnSegment(EditPoint a, EditPoint b, EditPoint p)
{
    const double dx = b.x - a.x;
    const double dy = b.y - a.y;
    const double lengthSquared = dx * dx + dy * dy;
    if (lengthSquared == 0)
        return a;
    const double t = std::clamp(((p.x - a.x) * dx + (p.y - a.y) * dy) / lengthSquared, 0.0, 1.0);
    if (t == 0)
        return a;
    if (t == 1)
        return b;
    return {a.x + t * dx, a.y + t * dy};
}


bool EditGeometry::isEmpty() const
{
    return vertexCount() == 0;
}

std::size_t EditGeometry::vertexCount() const
{
    std::size_t count = 0;
    forEachPath(
        *this, [&](const VertexRef&, const std::vector<EditPoint>& path) { count += path.size(); });
    return count;
}

Envelope EditGeometry::envelope() const
{
    Envelope envelope;
    forEachPath(*this, [&](const VertexRef&, const std::vector<EditPoint>& path) {
        for (const EditPoint& p : path)
            envelope.expand(p.x, p.y);
    });
    return envelope;
}

EditGeometry EditGeometry::fromStore(const GeometryStore& store, std::size_t feature)
{
    if (store.kind() != GeometryKind::Polygon && store.kind() != GeometryKind::Line)
        throw GeometryError(std::string("a ") + toString(store.kind()) +
                            " layer cannot be edited as polygons or lines");
    EditGeometry geometry;
    geometry.kind = store.kind();
    auto pointsOf = [](RingView view, bool ring) {
        std::vector<EditPoint> points(view.vertexCount());
        for (std::size_t i = 0; i < points.size(); ++i)
            points[i] = {view.x(i), view.y(i)};
        if (ring && points.size() > 1 && points.front() == points.back())
            points.pop_back();
        return points;
    };
    for (std::size_t part = 0; part < store.partCount(feature); ++part) {
        const std::size_t rings = store.ringCount(feature, part);
        if (rings == 0)
            continue;
        if (geometry.kind == GeometryKind::Polygon) {
            EditPolygon polygon;
            for (std::size_t r = 0; r < rings; ++r)
                polygon.rings.push_back(pointsOf(store.ring(feature, part, r), true));
            geometry.polygons.push_back(std::move(polygon));
        } else {
            geometry.lines.push_back(pointsOf(store.ring(feature, part, 0), false));
        }
    }
    return geometry;
}

EditGeometry EditGeometry::fromWkb(const unsigned char* wkb, std::size_t size)
{
    if (size == 0)
        return {};
    if (!wkb)
        throw IoError("bad WKB: no bytes");
    return WkbReader({wkb, size}).read();
}

std::vector<unsigned char> EditGeometry::toWkb(bool multi) const
{
    WkbWriter out;
    if (kind == GeometryKind::Polygon && !polygons.empty()) {
        if (polygons.size() == 1 && !multi) {
            out.polygon(polygons.front());
        } else {
            out.header(6);
            out.uint32(static_cast<std::uint32_t>(polygons.size()));
            for (const EditPolygon& polygon : polygons)
                out.polygon(polygon);
        }
    } else if (kind == GeometryKind::Line && !lines.empty()) {
        if (lines.size() == 1 && !multi) {
            out.line(lines.front());
        } else {
            out.header(5);
            out.uint32(static_cast<std::uint32_t>(lines.size()));
            for (const auto& line : lines)
                out.line(line);
        }
    }
    return out.take();
}

void EditGeometry::appendTo(GeometryStore& store) const
{
    if (isEmpty()) {
        store.appendEmpty();
        return;
    }
    if (store.kind() != kind)
        throw GeometryError(std::string("a ") + toString(kind) + " cannot be added to a " +
                            toString(store.kind()) + " layer");
    store.beginFeature();
    forEachPath(*this, [&](const VertexRef& ref, const std::vector<EditPoint>& path) {
        if (ref.ring == 0)
            store.beginPart();
        store.beginRing();
        for (const EditPoint& p : path)
            store.addVertex(p.x, p.y);
        if (kind == GeometryKind::Polygon && !path.empty())
            store.addVertex(path.front().x, path.front().y);
    });
    store.endFeature();
}

const std::vector<EditPoint>& EditGeometry::path(const VertexRef& ref) const
{
    if (kind == GeometryKind::Polygon)
        return polygons.at(ref.part).rings.at(ref.ring);
    return lines.at(ref.part);
}

std::vector<EditPoint>& EditGeometry::path(const VertexRef& ref)
{
    if (kind == GeometryKind::Polygon)
        return polygons.at(ref.part).rings.at(ref.ring);
    return lines.at(ref.part);
}

std::optional<VertexRef> nearestVertex(const EditGeometry& geometry, EditPoint p, double tolerance)
{
    std::optional<VertexRef> best;
    double bestSquared = tolerance * tolerance;
    forEachPath(geometry, [&](VertexRef ref, const std::vector<EditPoint>& path) {
        for (std::size_t v = 0; v < path.size(); ++v) {
            const double d = squaredDistance(path[v], p);
            if (d < bestSquared || (!best && d == bestSquared)) {
                bestSquared = d;
                ref.vertex = v;
                best = ref;
            }
        }
    });
    return best;
}

std::optional<SegmentHit> nearestSegment(const EditGeometry& geometry, EditPoint p,
                                         double tolerance)
{
    std::optional<SegmentHit> best;
    double bestSquared = tolerance * tolerance;
    const bool rings = geometry.kind == GeometryKind::Polygon;
    forEachPath(geometry, [&](VertexRef ref, const std::vector<EditPoint>& path) {
        const std::size_t n = path.size();
        const std::size_t segments = n < 2 ? 0 : (rings ? n : n - 1);
        for (std::size_t s = 0; s < segments; ++s) {
            const EditPoint at = nearestOnSegment(path[s], path[(s + 1) % n], p);
            const double d = squaredDistance(at, p);
            if (d < bestSquared || (!best && d == bestSquared)) {
                bestSquared = d;
                ref.vertex = s;
                best = SegmentHit{ref, at, 0};
            }
        }
    });
    if (best)
        best->distance = std::sqrt(bestSquared);
    return best;
}

EditGeometry withVertexMoved(EditGeometry geometry, const VertexRef& ref, EditPoint to)
{
    geometry.path(ref).at(ref.vertex) = to;
    return geometry;
}

EditGeometry withVertexInserted(EditGeometry geometry, const VertexRef& after, EditPoint p)
{
    std::vector<EditPoint>& path = geometry.path(after);
    if (after.vertex >= path.size())
        throw std::out_of_range("withVertexInserted: no vertex " + std::to_string(after.vertex));
    path.insert(path.begin() + static_cast<std::ptrdiff_t>(after.vertex) + 1, p);
    return geometry;
}

std::optional<EditGeometry> withVertexRemoved(EditGeometry geometry, const VertexRef& ref)
{
    std::vector<EditPoint>& path = geometry.path(ref);
    if (ref.vertex >= path.size())
        throw std::out_of_range("withVertexRemoved: no vertex " + std::to_string(ref.vertex));
    const std::size_t minimum = geometry.isRing(ref) ? 3 : 2;
    if (path.size() <= minimum)
        return std::nullopt;
    path.erase(path.begin() + static_cast<std::ptrdiff_t>(ref.vertex));
    return geometry;
}

std::string validityProblem(const EditGeometry& geometry)
{
    if (geometry.isEmpty())
        return {};
    GeosContext& geos = threadGeos();
    const GeosGeomPtr shape = toGeos(geos, geometry);
    if (!shape)
        return geos.takeLastError(); // e.g. a ring of fewer than 4 points
    char* reason = nullptr;
    GEOSGeometry* location = nullptr;
    const char valid = GEOSisValidDetail_r(geos.handle(), shape.get(), 0, &reason, &location);
    const GeosGeomPtr where = geos.own(location);
    std::string text = reason ? reason : "";
    if (reason)
        GEOSFree_r(geos.handle(), reason);
    if (valid == 1)
        return {};
    if (valid != 0)
        return geos.takeLastError();
    double x = 0, y = 0;
    if (where && GEOSGeomGetX_r(geos.handle(), where.get(), &x) == 1 &&
        GEOSGeomGetY_r(geos.handle(), where.get(), &y) == 1) {
        text += " at " + shortestDecimal(x) + " " + shortestDecimal(y);
    }
    return text.empty() ? std::string("invalid") : text;
}

std::vector<EditGeometry> splitPolygon(const EditGeometry& polygon,
                                       const std::vector<EditPoint>& line)
{
    if (polygon.kind != GeometryKind::Polygon || polygon.isEmpty() || line.size() < 2)
        return {};
    GeosContext& geos = threadGeos();
    const GEOSContextHandle_t h = geos.handle();
    const GeosGeomPtr shape = toGeos(geos, polygon);
    EditGeometry cutterGeometry;
    cutterGeometry.kind = GeometryKind::Line;
    cutterGeometry.lines.push_back(line);
    const GeosGeomPtr cutter = toGeos(geos, cutterGeometry);
    if (!shape || !cutter)
        return {};
    // Node the boundary with the line, polygonize the noded edges (dangles and cut lines fall
    // away), keep the faces inside the polygon (not its holes, not outside it).
    const GeosGeomPtr boundary = geos.own(GEOSBoundary_r(h, shape.get()));
    if (!boundary)
        return {};
    const GeosGeomPtr noded = geos.own(GEOSUnion_r(h, boundary.get(), cutter.get()));
    if (!noded)
        return {};
    const GEOSGeometry* edges[] = {noded.get()};
    const GeosGeomPtr faces = geos.own(GEOSPolygonize_r(h, edges, 1));
    if (!faces)
        return {};
    const GeosPreparedPtr inside = geos.prepare(shape.get());
    std::vector<std::pair<double, GeosGeomPtr>> pieces;
    for (int i = 0; i < GEOSGetNumGeometries_r(h, faces.get()); ++i) {
        const GEOSGeometry* face = GEOSGetGeometryN_r(h, faces.get(), i);
        const GeosGeomPtr interior = geos.own(GEOSPointOnSurface_r(h, face));
        if (!interior || GEOSPreparedContains_r(h, inside.get(), interior.get()) != 1)
            continue;
        double areaM2 = 0;
        GEOSArea_r(h, face, &areaM2);
        pieces.emplace_back(areaM2, geos.own(GEOSGeom_clone_r(h, face)));
    }
    // Each part of the polygon gives at least one face: the line cut something only when there
    // are more faces than parts.
    if (pieces.size() < 2 || pieces.size() <= polygon.polygons.size())
        return {};
    std::stable_sort(pieces.begin(), pieces.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    std::vector<EditGeometry> result;
    result.reserve(pieces.size());
    for (const auto& piece : pieces)
        result.push_back(fromGeos(geos, piece.second.get()));
    return result;
}

std::optional<EditGeometry> mergePolygons(const std::vector<EditGeometry>& polygons,
                                          bool allowMulti, std::string* why)
{
    auto refuse = [why](std::string text) -> std::optional<EditGeometry> {
        if (why)
            *why = std::move(text);
        return std::nullopt;
    };
    GeosContext& geos = threadGeos();
    const GEOSContextHandle_t h = geos.handle();
    std::vector<GEOSGeometry*> members; // owned until handed to the collection
    for (const EditGeometry& polygon : polygons) {
        if (polygon.kind != GeometryKind::Polygon || polygon.isEmpty())
            continue;
        GeosGeomPtr shape = toGeos(geos, polygon);
        if (!shape) {
            for (GEOSGeometry* g : members)
                GEOSGeom_destroy_r(h, g);
            return refuse("a polygon cannot be built: " + geos.takeLastError());
        }
        members.push_back(shape.release());
    }
    if (members.empty())
        return refuse("there are no polygons to merge");
    const GeosGeomPtr collection = geos.own(GEOSGeom_createCollection_r(
        h, GEOS_GEOMETRYCOLLECTION, members.data(), static_cast<unsigned>(members.size())));
    if (!collection)
        return refuse(geos.takeLastError());
    const GeosGeomPtr merged = geos.own(GEOSUnaryUnion_r(h, collection.get()));
    if (!merged)
        return refuse("the union failed: " + geos.takeLastError());
    const GeosGeomPtr areal = geos.componentsOfDimension(merged.get(), 2);
    if (!areal)
        return refuse("the union failed: " + geos.takeLastError());
    const int parts = GEOSGetNumGeometries_r(h, areal.get());
    if (parts == 0)
        return refuse("the union is empty");
    if (parts > 1 && !allowMulti)
        return refuse("the features do not overlap or share an edge: the union has " +
                      std::to_string(parts) + " parts");
    if (why)
        why->clear();
    return fromGeos(geos, areal.get());
}

} // namespace parkatlas::geo
