#include "geo/io/shapefile_reader.h"

#include "geo/error.h"
#include "geo/io/dbf.h"
#include "geo/io/encoding.h"
#include "geo/issue.h"
#include "geo/parallel.h"

#include <cpl_conv.h>
#include <ogr_geometry.h>

#include <fcntl.h>
#include <iconv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

namespace parkatlas::geo {

namespace fs = std::filesystem;

namespace {

/// A read-only memory map of a whole file. `populate`: map every page now, in one call, for a
/// file that will be read whole (a page fault per 16 pages costs more than the reading itself
/// on a big .shp).
class MappedFile {
public:
    explicit MappedFile(const std::string& path, bool populate = false)
    {
        m_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (m_fd < 0)
            return;
        struct stat st {};
        if (::fstat(m_fd, &st) != 0 || st.st_size == 0)
            return;
        m_size = static_cast<std::size_t>(st.st_size);
        void* address = ::mmap(nullptr, m_size, PROT_READ,
                               MAP_PRIVATE | (populate ? MAP_POPULATE : 0), m_fd, 0);
        if (address == MAP_FAILED) {
            m_size = 0;
            return;
        }
        m_data = static_cast<const unsigned char*>(address);
        ::madvise(address, m_size, MADV_SEQUENTIAL | MADV_WILLNEED);
    }
    ~MappedFile()
    {
        if (m_data)
            ::munmap(const_cast<unsigned char*>(m_data), m_size);
        if (m_fd >= 0)
            ::close(m_fd);
    }
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    bool isOpen() const { return m_data != nullptr; }
    const unsigned char* data() const { return m_data; }
    std::size_t size() const { return m_size; }

private:
    int m_fd = -1;
    const unsigned char* m_data = nullptr;
    std::size_t m_size = 0;
};

std::int32_t bigEndian32(const unsigned char* p)
{
    return static_cast<std::int32_t>(static_cast<std::uint32_t>(p[0]) << 24 |
                                     static_cast<std::uint32_t>(p[1]) << 16 |
                                     static_cast<std::uint32_t>(p[2]) << 8 | p[3]);
}

std::int32_t littleEndian32(const unsigned char* p)
{
    std::int32_t value;
    std::memcpy(&value, p, 4);
    return value;
}

double littleEndianDouble(const unsigned char* p)
{
    double value;
    std::memcpy(&value, p, 8);
    return value;
}

enum class Family { Unsupported, Point, MultiPoint, Line, Polygon };

Family familyOf(std::int32_t shapeType)
{
    switch (shapeType) {
    case 1:
    case 11:
    case 21:
        return Family::Point;
    case 8:
    case 18:
    case 28:
        return Family::MultiPoint;
    case 3:
    case 13:
    case 23:
        return Family::Line;
    case 5:
    case 15:
    case 25:
        return Family::Polygon;
    default:
        return Family::Unsupported;
    }
}

GeometryKind kindOf(Family family)
{
    switch (family) {
    case Family::Point:
    case Family::MultiPoint:
        return GeometryKind::Point;
    case Family::Line:
        return GeometryKind::Line;
    case Family::Polygon:
        return GeometryKind::Polygon;
    case Family::Unsupported:
        break;
    }
    return GeometryKind::None;
}

std::string sibling(const std::string& shpPath, const char* lowerExt)
{
    std::string upper = lowerExt;
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    for (const std::string& ext : {std::string(lowerExt), upper}) {
        const fs::path candidate = fs::path(shpPath).replace_extension(ext);
        std::error_code ec;
        if (fs::is_regular_file(candidate, ec))
            return candidate.string();
    }
    return {};
}

struct Record {
    std::int64_t fid;
    std::size_t offset; // of the record content (after the 8-byte record header)
    std::size_t length; // content bytes
};

/// What one record becomes in the store: how many parts, rings and vertices, or why nothing.
struct RecordLayout {
    std::uint32_t parts = 0;
    std::uint32_t rings = 0;
    std::uint32_t vertices = 0;
};

/// A record's parsed view: its points and where each ring starts. Shared by the two passes.
struct RecordView {
    Family family = Family::Unsupported;
    bool isNull = false;
    const unsigned char* points = nullptr; // x,y little-endian doubles, contiguous
    std::int32_t numParts = 0;
    std::int32_t numPoints = 0;
    const unsigned char* partStarts = nullptr;
    const char* problem = nullptr; // corrupt: why

    std::pair<std::int32_t, std::int32_t> ring(std::int32_t part) const
    {
        const std::int32_t from = numParts == 0 ? 0 : littleEndian32(partStarts + 4 * part);
        const std::int32_t to =
            part + 1 < numParts ? littleEndian32(partStarts + 4 * (part + 1)) : numPoints;
        return {from, to};
    }
};

RecordView viewRecord(const unsigned char* shp, std::size_t shpSize, const Record& record,
                      GeometryKind kind)
{
    RecordView view;
    if (record.length < 4 || record.offset + record.length > shpSize) {
        view.problem = "corrupt record: it runs past the end of the .shp";
        return view;
    }
    const unsigned char* p = shp + record.offset;
    const std::size_t length = record.length;
    const std::int32_t type = littleEndian32(p);
    if (type == 0) {
        view.isNull = true;
        return view;
    }
    view.family = familyOf(type);
    if (kindOf(view.family) != kind) {
        view.problem = "corrupt record: its shape type does not match the file's";
        return view;
    }
    if (view.family == Family::Point) {
        if (length < 20)
            view.problem = "corrupt record: a point shorter than 20 bytes";
        view.points = p + 4;
        view.numPoints = 1;
        return view;
    }
    if (view.family == Family::MultiPoint) {
        if (length < 40) {
            view.problem = "corrupt record: a multipoint shorter than its header";
            return view;
        }
        view.numPoints = littleEndian32(p + 36);
        if (view.numPoints < 0 || static_cast<std::size_t>(view.numPoints) > (length - 40) / 16)
            view.problem = "corrupt record: more points than the record holds";
        view.points = p + 40;
        return view;
    }
    if (length < 44) {
        view.problem = "corrupt record: shorter than its header";
        return view;
    }
    view.numParts = littleEndian32(p + 36);
    view.numPoints = littleEndian32(p + 40);
    if (view.numParts < 0 || view.numPoints < 0 ||
        44 + 4 * static_cast<std::size_t>(view.numParts) +
                16 * static_cast<std::size_t>(view.numPoints) >
            length) {
        view.problem = "corrupt record: more parts or points than the record holds";
        return view;
    }
    view.partStarts = p + 44;
    view.points = p + 44 + 4 * static_cast<std::size_t>(view.numParts);
    std::int32_t previous = -1;
    for (std::int32_t i = 0; i < view.numParts; ++i) {
        // As shapelib: parts start strictly after one another, inside the point list.
        const std::int32_t start = littleEndian32(view.partStarts + 4 * i);
        if (start < 0 || (start >= view.numPoints && view.numPoints > 0) || start <= previous) {
            view.problem = "corrupt record: part offsets out of order or out of range";
            return view;
        }
        previous = start;
    }
    return view;
}

/// A coordinate the readers keep: finite and not absurdly large.
bool usableCoordinate(double v)
{
    return std::isfinite(v) && std::fabs(v) <= 1e15;
}

bool finiteCoordinates(const unsigned char* points, std::int32_t count)
{
    for (std::int32_t i = 0; i < 2 * count; ++i)
        if (!usableCoordinate(littleEndianDouble(points + 8 * i)))
            return false;
    return true;
}

/// Whether the ring of points [from, to) of a record ends on its first vertex, byte for byte
/// (a ring of fewer than two points is taken as closed).
bool ringClosed(const RecordView& view, std::int32_t from, std::int32_t to)
{
    return to - from < 2 || std::memcmp(view.points + 16 * from, view.points + 16 * (to - 1), 16) == 0;
}

/// GDAL's organizePolygons (METHOD=ONLY_CCW) takes a shortcut when every ring has at least four
/// points and exactly one of them is clockwise: a polygon of that ring, then the others in their
/// order, nothing tested. This is that shortcut, into `scratch`, without building the OGR
/// geometries and their WKB (at 1M plots with 1.5 % of them holed, a seventh of `area`'s CPU):
/// the orientation is GDAL's own, OGRLinearRing::isClockwise of a ring kept for the thread. False
/// where GDAL would not take it, or where OGR_ORGANIZE_POLYGONS or OGR_DEBUG_ORGANIZE_POLYGONS
/// change its method: organisePolygon then asks GDAL.
bool organiseAroundOneOuter(const RecordView& view, GeometryStore& scratch)
{
    // Read once: ParkAtlas never sets either option while it runs, so the environment the
    // process started with decides, as it decides for GDAL.
    static const bool gdalChoosesItself = [] {
        const char* method = CPLGetConfigOption("OGR_ORGANIZE_POLYGONS", nullptr);
        return (method && method[0] != '\0') ||
               CPLTestBool(CPLGetConfigOption("OGR_DEBUG_ORGANIZE_POLYGONS", "NO"));
    }();
    if (gdalChoosesItself)
        return false;
    thread_local OGRLinearRing probe;
    thread_local std::vector<OGRRawPoint> points;
    std::int32_t outer = -1;
    for (std::int32_t part = 0; part < view.numParts; ++part) {
        const auto [from, to] = view.ring(part);
        if (to - from < 4)
            return false;
        points.resize(static_cast<std::size_t>(to - from));
        std::memcpy(points.data(), view.points + 16 * from, 16 * points.size());
        probe.setPoints(to - from, points.data());
        if (probe.isClockwise()) {
            if (outer >= 0)
                return false;
            outer = part;
        }
    }
    if (outer < 0)
        return false;
    scratch = GeometryStore(GeometryKind::Polygon);
    scratch.beginFeature();
    scratch.beginPart();
    auto addRing = [&](std::int32_t part) {
        const auto [from, to] = view.ring(part);
        scratch.beginRing();
        for (std::int32_t v = from; v < to; ++v)
            scratch.addVertex(littleEndianDouble(view.points + 16 * v),
                              littleEndianDouble(view.points + 16 * v + 8));
    };
    addRing(outer);
    for (std::int32_t part = 0; part < view.numParts; ++part)
        if (part != outer)
            addRing(part);
    scratch.endFeature();
    return true;
}

/// A polygon record with several rings, organised exactly as GDAL's shapefile driver does
/// (organizePolygons, ONLY_CCW), into a small store of one feature.
bool organisePolygon(const RecordView& view, GeometryStore& scratch,
                     std::vector<unsigned char>& wkb)
{
    if (organiseAroundOneOuter(view, scratch))
        return true;
    std::vector<OGRGeometry*> rings;
    for (std::int32_t part = 0; part < view.numParts; ++part) {
        const auto [from, to] = view.ring(part);
        auto* ring = new OGRLinearRing();
        ring->setNumPoints(to - from, FALSE);
        for (std::int32_t v = from; v < to; ++v)
            ring->setPoint(v - from, littleEndianDouble(view.points + 16 * v),
                           littleEndianDouble(view.points + 16 * v + 8));
        auto* polygon = new OGRPolygon();
        polygon->addRingDirectly(ring);
        rings.push_back(polygon);
    }
    int valid = FALSE;
    const char* options[] = {"METHOD=ONLY_CCW", nullptr};
    std::unique_ptr<OGRGeometry> organised(OGRGeometryFactory::organizePolygons(
        rings.data(), static_cast<int>(rings.size()), &valid, options));
    if (!organised)
        return false;
    wkb.resize(static_cast<std::size_t>(organised->WkbSize()));
    organised->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
    scratch = GeometryStore(GeometryKind::Polygon);
    return scratch.appendWkb(wkb.data(), wkb.size());
}

/// Pass 1 over records [begin, end): the layout of each (and the problems).
/// Polygon records of several rings as organisePolygon made them in the first pass (record
/// index, one-feature store), in record order, so the second pass need not organise them again.
using OrganisedRecords = std::vector<std::pair<std::size_t, GeometryStore>>;

/// layouts[r - layoutBase] is record r's.
/// One record's layout (and its problems, added to `problems`). A polygon of several rings is
/// organised into `scratch`: returns true then.
bool layoutRecord(const RecordView& view, std::int64_t fid, RecordLayout& layout,
                  std::vector<Issue>& problems, bool& unclosedReported, GeometryStore& scratch,
                  std::vector<unsigned char>& wkb)
{
    layout = {};
    if (view.problem) {
        problems.push_back(
            withMessage({Issue::Severity::Error, {}, {}, fid},
                        message("corrupt_record", "{problem}", {{"problem", view.problem}})));
        return false;
    }
    if (view.isNull || view.numPoints == 0)
        return false;
    if (!finiteCoordinates(view.points, view.numPoints)) {
        problems.push_back(
            withMessage({Issue::Severity::Warning, {}, {}, fid},
                        message("geometry_skipped", "geometry skipped: {problem}",
                                {{"problem", "coordinates are NaN, infinite or absurdly large"}}),
                        Issue::Kind::GeometrySkipped));
        return false;
    }
    switch (view.family) {
    case Family::Point:
    case Family::MultiPoint:
        layout = {static_cast<std::uint32_t>(view.numPoints),
                  static_cast<std::uint32_t>(view.numPoints),
                  static_cast<std::uint32_t>(view.numPoints)};
        break;
    case Family::Line:
        for (std::int32_t part = 0; part < view.numParts; ++part) {
            const auto [from, to] = view.ring(part);
            if (to > from) {
                ++layout.parts;
                ++layout.rings;
                layout.vertices += static_cast<std::uint32_t>(to - from);
            }
        }
        break;
    case Family::Polygon:
        for (std::int32_t part = 0; part < view.numParts && !unclosedReported; ++part) {
            const auto [from, to] = view.ring(part);
            if (!ringClosed(view, from, to)) {
                problems.push_back(withMessage(
                    {Issue::Severity::Warning, {}, {}, fid},
                    message("ring_not_closed", "a ring is not closed (its last vertex is not "
                                               "its first); it is read as if it were")));
                unclosedReported = true; // once per reader: a whole file is usually so
            }
        }
        if (view.numParts <= 1) {
            layout = {1, 1, static_cast<std::uint32_t>(view.numPoints)};
        } else if (organisePolygon(view, scratch, wkb)) {
            layout = {static_cast<std::uint32_t>(scratch.partCount(0)),
                      static_cast<std::uint32_t>(scratch.totalRingCount()),
                      static_cast<std::uint32_t>(scratch.totalVertexCount())};
            return true;
        } else {
            problems.push_back(withMessage(
                {Issue::Severity::Error, {}, {}, fid},
                message("corrupt_record", "{problem}",
                        {{"problem", "corrupt record: its rings do not make polygons"}})));
        }
        break;
    case Family::Unsupported:
        break;
    }
    return false;
}

void layoutRecords(const unsigned char* shp, std::size_t shpSize,
                   const UninitVector<Record>& records, std::size_t begin, std::size_t end,
                   GeometryKind kind, std::vector<RecordLayout>& layouts,
                   std::vector<Issue>& problems, bool& unclosedReported, std::size_t layoutBase = 0,
                   OrganisedRecords* organised = nullptr)
{
    GeometryStore scratch;
    std::vector<unsigned char> wkb;
    for (std::size_t r = begin; r < end; ++r) {
        const Record& record = records[r];
        const RecordView view = viewRecord(shp, shpSize, record, kind);
        if (layoutRecord(view, record.fid, layouts[r - layoutBase], problems, unclosedReported,
                         scratch, wkb) &&
            organised)
            organised->emplace_back(r, std::move(scratch));
    }
}

/// Pass 2: copies records [begin, end) into the bulk arrays at their precomputed offsets.
struct Offsets {
    std::size_t part, ring, vertex;
};

void fillRecords(const unsigned char* shp, std::size_t shpSize, const UninitVector<Record>& records,
                 std::size_t begin, std::size_t end, GeometryKind kind,
                 const std::vector<RecordLayout>& layouts, Offsets at,
                 const GeometryStore::BulkArrays& out, std::size_t firstRecord = 0,
                 std::size_t layoutBase = 0, const OrganisedRecords* organised = nullptr)
{
    GeometryStore scratch;
    std::vector<unsigned char> wkb;
    std::size_t nextOrganised = 0;
    for (std::size_t r = begin; r < end; ++r) {
        const RecordLayout& layout = layouts[r - layoutBase];
        Envelope envelope;
        if (layout.vertices > 0) {
            const RecordView view = viewRecord(shp, shpSize, records[r], kind);
            double* xy = out.xy + 2 * at.vertex;
            if (view.family == Family::Polygon && view.numParts > 1) {
                const GeometryStore* store = nullptr;
                if (organised) {
                    while (nextOrganised < organised->size() &&
                           (*organised)[nextOrganised].first < r)
                        ++nextOrganised;
                    if (nextOrganised < organised->size() && (*organised)[nextOrganised].first == r)
                        store = &(*organised)[nextOrganised].second;
                }
                if (!store) {
                    organisePolygon(view, scratch, wkb);
                    store = &scratch;
                }
                const GeometryStore& organisedStore = *store;
                const auto coordinates = organisedStore.coordinates();
                std::memcpy(xy, coordinates.data(), coordinates.size() * sizeof(double));
                for (std::size_t p = 0; p < layout.parts; ++p) {
                    out.partEnds[at.part + p] =
                        static_cast<std::uint32_t>(at.ring + organisedStore.firstRing(p + 1));
                }
                for (std::size_t g = 0; g < layout.rings; ++g) {
                    const RingView ring = organisedStore.ringAt(g);
                    const std::size_t end = static_cast<std::size_t>(
                        ring.xy.data() + ring.xy.size() - coordinates.data());
                    out.ringEnds[at.ring + g] = static_cast<std::uint32_t>(at.vertex + end / 2);
                }
            } else if (view.family == Family::Line) {
                std::size_t written = 0, ring = 0;
                for (std::int32_t part = 0; part < view.numParts; ++part) {
                    const auto [from, to] = view.ring(part);
                    if (to <= from)
                        continue;
                    std::memcpy(xy + 2 * written, view.points + 16 * from,
                                16 * static_cast<std::size_t>(to - from));
                    written += static_cast<std::size_t>(to - from);
                    out.ringEnds[at.ring + ring] = static_cast<std::uint32_t>(at.vertex + written);
                    out.partEnds[at.part + ring] = static_cast<std::uint32_t>(at.ring + ring + 1);
                    ++ring;
                }
            } else {
                // Points, multipoints, single-ring polygons: the points are the ring(s).
                std::memcpy(xy, view.points, 16 * static_cast<std::size_t>(layout.vertices));
                for (std::size_t i = 0; i < layout.rings; ++i) {
                    const std::size_t ringEnd = layout.rings == 1 ? layout.vertices : i + 1;
                    out.ringEnds[at.ring + i] = static_cast<std::uint32_t>(at.vertex + ringEnd);
                    out.partEnds[at.part + i] = static_cast<std::uint32_t>(at.ring + i + 1);
                }
            }
            for (std::size_t v = 0; v < layout.vertices; ++v)
                envelope.expand(xy[2 * v], xy[2 * v + 1]);
        }
        at.part += layout.parts;
        at.ring += layout.rings;
        at.vertex += layout.vertices;
        out.featureEnds[r - firstRecord] = static_cast<std::uint32_t>(at.part);
        out.envelopes[r - firstRecord] = envelope;
    }
}

} // namespace

namespace {

/// The shape type in the .shp's 100-byte header, read without mapping the file (the reader maps
/// it once, whole); nullopt when it is not a shapefile's header.
std::optional<std::int32_t> headerShapeType(const std::string& shpPath)
{
    const int fd = ::open(shpPath.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return std::nullopt;
    unsigned char header[100];
    const ssize_t got = ::pread(fd, header, sizeof header, 0);
    ::close(fd);
    if (got != static_cast<ssize_t>(sizeof header) || bigEndian32(header) != 9994)
        return std::nullopt;
    return littleEndian32(header + 32);
}

} // namespace

GeometryKind shapefileGeometryKind(const std::string& shpPath)
{
    const std::optional<std::int32_t> type = headerShapeType(shpPath);
    return type ? kindOf(familyOf(*type)) : GeometryKind::None;
}

bool canReadShapefileGeometry(const std::string& shpPath)
{
    const std::optional<std::int32_t> type = headerShapeType(shpPath);
    return type && familyOf(*type) != Family::Unsupported && !sibling(shpPath, ".shx").empty();
}

namespace {

unsigned readerThreads(std::size_t records)
{
    // Reading is bound by memory bandwidth: two workers at most, unless a count is asked for.
    if (const unsigned asked = requestedWorkerCount())
        return static_cast<unsigned>(std::clamp<std::size_t>(records, 1, asked));
    return records >= 50000 ? std::max(1u, std::min(2u, std::thread::hardware_concurrency())) : 1;
}

/// A shapefile opened for direct reading: the mapped .shp and its records, in the order and
/// with the lengths GDAL would use.
struct OpenShapefile {
    explicit OpenShapefile(const std::string& path) : shp(path, true) {}
    MappedFile shp;
    GeometryKind kind = GeometryKind::None;
    UninitVector<Record> records;
    /// Without a table (openShapefile's `table` false and no deleted rows): the .shx stays
    /// mapped and record r is its r-th entry, read when asked (recordAt).
    std::unique_ptr<MappedFile> shx;
    std::size_t untabledCount = 0;

    std::size_t recordCount() const { return shx ? untabledCount : records.size(); }
    Record record(std::size_t r) const { return shx ? recordAt(shp, *shx, r) : records[r]; }

    /// The .shx's entry `r` as shapelib reads it: the .shx says where a record starts and how
    /// long it is; only when that length runs past the end of the .shp is the record's own
    /// header believed (writers have got the .shx length wrong: GDAL ticket 5608).
    static Record recordAt(const MappedFile& shp, const MappedFile& shx, std::size_t r)
    {
        const unsigned char* entry = shx.data() + 100 + 8 * r;
        const std::int64_t offsetWords = bigEndian32(entry);
        const std::int64_t lengthWords = bigEndian32(entry + 4);
        Record record{static_cast<std::int64_t>(r), 0, 0};
        if (offsetWords >= 0 && lengthWords >= 0) {
            const std::size_t start = static_cast<std::size_t>(offsetWords) * 2;
            record.offset = start + 8;
            record.length = static_cast<std::size_t>(lengthWords) * 2;
            if (record.offset + record.length > shp.size() && start + 8 <= shp.size()) {
                const std::int64_t ownWords = bigEndian32(shp.data() + start + 4);
                if (ownWords >= 0 &&
                    start + 8 + static_cast<std::size_t>(ownWords) * 2 <= shp.size())
                    record.length = static_cast<std::size_t>(ownWords) * 2;
            }
        }
        return record;
    }
};

/// `table` false: the record table is made only when the .dbf has deleted rows (the records
/// are then not the .shx's entries one for one); else OpenShapefile::record reads the .shx.
std::unique_ptr<OpenShapefile> openShapefile(const std::string& shpPath, bool table = true)
{
    auto opened = std::make_unique<OpenShapefile>(shpPath);
    MappedFile& shp = opened->shp;
    if (!shp.isOpen() || shp.size() < 100 || bigEndian32(shp.data()) != 9994)
        throw IoError("not a shapefile (no 9994 file code in the header)", {shpPath, {}, -1, {}});
    const std::int32_t shapeType = littleEndian32(shp.data() + 32);
    const Family family = familyOf(shapeType);
    if (family == Family::Unsupported)
        throw IoError("shape type " + std::to_string(shapeType) +
                          " is not read directly (multipatch and unknown types go through GDAL)",
                      {shpPath, {}, -1, {}});
    const std::string shxPath = sibling(shpPath, ".shx");
    if (shxPath.empty())
        throw IoError("the .shx index beside this .shp is missing", {shpPath, {}, -1, {}});
    auto shxFile = std::make_unique<MappedFile>(shxPath, true);
    const MappedFile& shx = *shxFile;
    if (!shx.isOpen() || shx.size() < 100)
        throw IoError("the .shx index is empty or unreadable", {shxPath, {}, -1, {}});

    // As GDAL does, the .shx header's file length (in 16-bit words) says how many records
    // there are; bytes past it are not records.
    const std::size_t declaredBytes = static_cast<std::size_t>(
        std::max<std::int64_t>(0, static_cast<std::int64_t>(bigEndian32(shx.data() + 24)) * 2));
    const std::size_t recordCount =
        (std::min(declaredBytes, shx.size()) -
         std::min<std::size_t>(100, std::min(declaredBytes, shx.size()))) /
        8;
    // Both scans below touch every record once: split over the reader's workers.
    const unsigned threads = readerThreads(recordCount);

    // Deleted DBF rows are skipped, as GDAL skips them, so fids and attribute rows line up.
    // (Usually there are none: `deleted` stays empty then.)
    std::vector<unsigned char> deleted;
    if (const std::string dbfPath = sibling(shpPath, ".dbf"); !dbfPath.empty()) {
        try {
            const DbfHeader header = readDbfHeader(dbfPath);
            MappedFile dbf(dbfPath, true);
            if (dbf.isOpen()) {
                // The header's count can lie (0xFFFFFF00 for three rows): believe the bytes.
                const std::size_t rows = std::min<std::size_t>(
                    header.recordCount,
                    dbf.size() > header.headerLength
                        ? (dbf.size() - header.headerLength) / header.recordLength + 1
                        : 0);
                deleted.assign(rows, 0);
                std::atomic<bool> anyDeleted{false};
                ParallelOptions options;
                options.threads = threads;
                parallelFor(rows, options,
                            [&](unsigned, std::size_t begin, std::size_t end) {
                                bool found = false;
                                for (std::size_t r = begin; r < end; ++r) {
                                    const std::size_t at =
                                        header.headerLength +
                                        static_cast<std::size_t>(r) * header.recordLength;
                                    if (at >= dbf.size())
                                        break;
                                    deleted[r] = dbf.data()[at] == '*';
                                    found = found || deleted[r];
                                }
                                if (found)
                                    anyDeleted = true;
                            });
                if (!anyDeleted)
                    deleted.clear();
            }
        } catch (const IoError&) {
            // GDAL reports a broken .dbf when it reads the attributes.
        }
    }

    auto recordAt = [&](std::size_t r) { return OpenShapefile::recordAt(shp, shx, r); };
    opened->kind = kindOf(family);
    if (!table && deleted.empty()) {
        opened->untabledCount = recordCount;
        opened->shx = std::move(shxFile);
        return opened;
    }
    UninitVector<Record>& records = opened->records;
    if (deleted.empty()) {
        // Record r is the r-th entry: each worker fills its own range.
        records.resize(recordCount);
        ParallelOptions options;
        options.threads = threads;
        parallelFor(recordCount, options,
                    [&](unsigned, std::size_t begin, std::size_t end) {
                        for (std::size_t r = begin; r < end; ++r)
                            records[r] = recordAt(r);
                    });
    } else {
        records.reserve(recordCount);
        for (std::size_t r = 0; r < recordCount; ++r)
            if (r >= deleted.size() || !deleted[r])
                records.push_back(recordAt(r));
    }
    return opened;
}

void reportProblems(std::vector<std::vector<Issue>>& problems, const std::string& shpPath,
                    IssueSink& issues)
{
    for (auto& list : problems)
        for (Issue& issue : list) {
            issue.path = shpPath;
            issue.layer = fs::path(shpPath).stem().string();
            issues.report(std::move(issue));
        }
}

} // namespace

ShapefileGeometry readShapefileGeometry(const std::string& shpPath, IssueSink& issues)
{
    const std::unique_ptr<OpenShapefile> opened = openShapefile(shpPath);
    const MappedFile& shp = opened->shp;
    const UninitVector<Record>& records = opened->records;
    const GeometryKind kind = opened->kind;

    ShapefileGeometry result;
    result.geometry.setKind(kind);
    result.fids.reserve(records.size());
    for (const Record& record : records)
        result.fids.push_back(record.fid);

    // Two passes, both split over the cores: the exact size of everything, then a copy into
    // arrays allocated once (no growth, no merge, no shrink: a big layer is touched once).
    const unsigned threads = readerThreads(records.size());
    std::vector<RecordLayout> layouts(records.size());
    std::vector<std::vector<Issue>> problems(threads);
    // One range per worker (parallelFor's static split), known in advance: the second pass
    // writes each range at the offsets the first pass summed for it.
    ParallelOptions split;
    split.threads = threads;
    auto rangeOf = [&](unsigned t) {
        return std::make_pair(records.size() * t / threads, records.size() * (t + 1) / threads);
    };
    parallelFor(records.size(), split, [&](unsigned t, std::size_t begin, std::size_t end) {
        bool unclosedReported = false;
        layoutRecords(shp.data(), shp.size(), records, begin, end, kind, layouts, problems[t],
                      unclosedReported);
    });
    std::vector<Offsets> starts(threads, Offsets{0, 0, 0});
    Offsets total{0, 0, 0};
    for (unsigned t = 0; t < threads; ++t) {
        starts[t] = total;
        const auto [begin, end] = rangeOf(t);
        for (std::size_t r = begin; r < end; ++r) {
            total.part += layouts[r].parts;
            total.ring += layouts[r].rings;
            total.vertex += layouts[r].vertices;
        }
    }
    const GeometryStore::BulkArrays arrays =
        result.geometry.beginBulk(records.size(), total.part, total.ring, total.vertex);
    parallelFor(records.size(), split, [&](unsigned t, std::size_t begin, std::size_t end) {
        fillRecords(shp.data(), shp.size(), records, begin, end, kind, layouts, starts[t], arrays);
    });
    result.geometry.finishBulk();
    reportProblems(problems, shpPath, issues);
    return result;
}

void visitShapefileGeometry(const std::string& shpPath, IssueSink& issues,
                            const RecordsVisitor& onRecords, const ChunkVisitor& visit)
{
    const std::unique_ptr<OpenShapefile> opened = openShapefile(shpPath);
    const MappedFile& shp = opened->shp;
    const UninitVector<Record>& records = opened->records;
    const GeometryKind kind = opened->kind;
    {
        std::vector<std::int64_t> fids;
        fids.reserve(records.size());
        for (const Record& record : records)
            fids.push_back(record.fid);
        onRecords(kind, fids);
    }
    const unsigned threads = readerThreads(records.size());
    std::vector<std::vector<Issue>> problems(threads);
    // Each worker refills one small store (and the layouts of its chunk): they stay in cache and
    // the memory is touched once.
    constexpr std::size_t kChunk = 2048;
    ParallelOptions split;
    split.threads = threads;
    parallelFor(records.size(), split, [&](unsigned worker, std::size_t begin, std::size_t end) {
        GeometryStore chunk(kind);
        std::vector<RecordLayout> layouts(std::min(kChunk, end - begin));
        OrganisedRecords organised;
        bool unclosedReported = false;
        for (std::size_t first = begin; first < end; first += kChunk) {
            const std::size_t last = std::min(end, first + kChunk);
            organised.clear();
            layoutRecords(shp.data(), shp.size(), records, first, last, kind, layouts,
                          problems[worker], unclosedReported, first, &organised);
            Offsets total{0, 0, 0};
            for (std::size_t r = 0; r < last - first; ++r) {
                total.part += layouts[r].parts;
                total.ring += layouts[r].rings;
                total.vertex += layouts[r].vertices;
            }
            const GeometryStore::BulkArrays arrays =
                chunk.beginBulk(last - first, total.part, total.ring, total.vertex);
            fillRecords(shp.data(), shp.size(), records, first, last, kind, layouts,
                        Offsets{0, 0, 0}, arrays, first, first, &organised);
            chunk.finishBulk();
            visit(worker, chunk, first);
        }
    });
    reportProblems(problems, shpPath, issues);
}

namespace {

/// The one ring of a polygon record into `ring` (x,y), with its bounds, when every coordinate
/// is usable (finiteCoordinates' test) and the ring is closed (ringClosed on its part, as
/// layoutRecord asks): what layoutRecord and the copy after it make of such a record, in one
/// pass. False otherwise (`ring` and `envelope` then hold nothing of use).
bool copyFiniteRing(const RecordView& view, std::vector<double>& ring, Envelope& envelope)
{
    const std::size_t n = static_cast<std::size_t>(view.numPoints);
    if (!ringClosed(view, view.numParts > 0 ? view.ring(0).first : 0, view.numPoints))
        return false;
    ring.resize(2 * n);
    std::memcpy(ring.data(), view.points, 16 * n);
    envelope = Envelope();
    bool finite = true;
    for (std::size_t v = 0; v < n; ++v) {
        const double x = ring[2 * v];
        const double y = ring[2 * v + 1];
        finite &= usableCoordinate(x) && usableCoordinate(y);
        envelope.expand(x, y);
    }
    return finite;
}

} // namespace

void visitShapefilePolygons(const std::string& shpPath, IssueSink& issues,
                            const RecordsVisitor& onRecords, const PolygonVisitor& visit)
{
    const std::unique_ptr<OpenShapefile> opened = openShapefile(shpPath, false);
    const MappedFile& shp = opened->shp;
    const std::size_t count = opened->recordCount();
    const GeometryKind kind = opened->kind;
    if (kind != GeometryKind::Polygon)
        throw IoError("not a polygon shapefile", {shpPath, {}, -1, {}});
    {
        std::vector<std::int64_t> fids;
        fids.reserve(count);
        for (std::size_t r = 0; r < count; ++r)
            fids.push_back(opened->shx ? static_cast<std::int64_t>(r) : opened->records[r].fid);
        onRecords(kind, fids);
    }
    const unsigned threads = readerThreads(count);
    std::vector<std::vector<Issue>> problems(threads);
    ParallelOptions split;
    split.threads = threads;
    parallelFor(count, split, [&](unsigned worker, std::size_t begin, std::size_t end) {
        // The checks and the organisation of readShapefileGeometry's first pass, record by
        // record; a one-ring record is copied once, into a buffer that stays in cache.
        GeometryStore scratch;
        std::vector<unsigned char> wkb;
        std::vector<double> ring;
        bool unclosedReported = false;
        for (std::size_t r = begin; r < end; ++r) {
            const Record record = opened->record(r);
            const RecordView view = viewRecord(shp.data(), shp.size(), record, kind);
            ShapefilePolygon polygon;
            // The common record, one closed ring of finite coordinates: copied, checked and
            // bounded in one pass. Anything else (or a ring that fails the checks) goes through
            // layoutRecord, which says what is wrong.
            if (!view.problem && !view.isNull && view.family == Family::Polygon &&
                view.numParts <= 1 && view.numPoints > 0 &&
                copyFiniteRing(view, ring, polygon.envelope)) {
                polygon.ring = ring;
                visit(worker, r, polygon);
                continue;
            }
            polygon.envelope = Envelope();
            RecordLayout layout;
            if (layoutRecord(view, record.fid, layout, problems[worker], unclosedReported, scratch,
                             wkb)) {
                polygon.organised = &scratch;
            } else if (layout.vertices > 0) {
                ring.resize(2 * static_cast<std::size_t>(layout.vertices));
                std::memcpy(ring.data(), view.points,
                            16 * static_cast<std::size_t>(layout.vertices));
                for (std::size_t v = 0; v < layout.vertices; ++v)
                    polygon.envelope.expand(ring[2 * v], ring[2 * v + 1]);
                polygon.ring = ring;
            }
            visit(worker, r, polygon);
        }
    });
    reportProblems(problems, shpPath, issues);
}

} // namespace parkatlas::geo

namespace parkatlas::geo {

namespace {

/// Encodings without shift states whose bytes below 0x80 are the same ASCII, which GDAL recodes
/// to UTF-8 through iconv (UTF-8 itself it leaves as it is).
bool recodedByIconv(const std::string& encoding)
{
    static const char* const kinds[] = {
        "CP936",  "GB18030", "GBK",    "GB2312", "CP950",  "BIG5",   "CP949",       "EUC-KR",
        "CP1250", "CP1251",  "CP1252", "CP1253", "CP1254", "CP1255", "CP1256",      "CP1257",
        "CP1258", "CP852",   "CP866",  "CP874",  "KOI8-R", "EUC-JP", "ISO-8859-1",  "ISO-8859-2",
        "ISO-8859-5", "ISO-8859-15"};
    for (const char* kind : kinds)
        if (encoding == kind)
            return true;
    return false;
}

/// Text in an encoding to UTF-8 as GDAL's recoding gives it (iconv from that encoding to
/// "UTF-8", from its initial state), for text iconv converts whole; false for anything it would
/// skip or cut (where GDAL warns, once a process: the caller leaves such a file to GDAL).
class Recoder {
public:
    explicit Recoder(const std::string& encoding) : m_encoding(encoding) {}
    ~Recoder()
    {
        if (m_handle != kClosed)
            iconv_close(m_handle);
    }
    Recoder(const Recoder&) = delete;
    Recoder& operator=(const Recoder&) = delete;

    bool recode(std::string_view text, std::string& utf8)
    {
        if (m_handle == kClosed) {
            m_handle = iconv_open("UTF-8", m_encoding.c_str());
            if (m_handle == kClosed)
                return false;
        }
        iconv(m_handle, nullptr, nullptr, nullptr, nullptr);
        utf8.resize(text.size() * 4 + 16);
        char* in = const_cast<char*>(text.data());
        std::size_t inLeft = text.size();
        char* out = utf8.data();
        std::size_t outLeft = utf8.size();
        if (iconv(m_handle, &in, &inLeft, &out, &outLeft) == static_cast<std::size_t>(-1) ||
            inLeft != 0)
            return false;
        utf8.resize(utf8.size() - outLeft);
        return true;
    }

private:
    static inline const iconv_t kClosed = reinterpret_cast<iconv_t>(-1);
    std::string m_encoding;
    iconv_t m_handle = kClosed;
};

/// A field's bytes as shapelib hands them to GDAL: up to the first NUL, blanks trimmed at both
/// ends (GDAL builds shapelib with TRIM_DBF_WHITESPACE).
std::string_view shapelibValue(const unsigned char* bytes, std::size_t length)
{
    const char* text = reinterpret_cast<const char*>(bytes);
    std::size_t end = strnlen(text, length);
    std::size_t begin = 0;
    while (begin < end && text[begin] == ' ')
        ++begin;
    while (end > begin && text[end - 1] == ' ')
        --end;
    return {text + begin, end - begin};
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

/// [+-]digits (at most 18: no overflow), as strtoll reads it; nullopt for anything else.
std::optional<std::int64_t> plainInteger(std::string_view text)
{
    std::size_t at = 0;
    const bool negative = !text.empty() && text[0] == '-';
    if (!text.empty() && (text[0] == '-' || text[0] == '+'))
        ++at;
    if (at == text.size() || text.size() - at > 18)
        return std::nullopt;
    std::int64_t value = 0;
    for (; at < text.size(); ++at) {
        if (!isDigit(text[at]))
            return std::nullopt;
        value = value * 10 + (text[at] - '0');
    }
    return negative ? -value : value;
}

/// [+-]digits[.digits][e[+-]digits] with a digit somewhere before the exponent, as strtod
/// reads it (both round correctly, so to the same double); nullopt for anything else (inf,
/// nan, hex, commas, out of range).
std::optional<double> plainReal(std::string_view text)
{
    std::size_t at = 0;
    if (!text.empty() && (text[0] == '-' || text[0] == '+'))
        ++at;
    const std::size_t mantissa = at;
    std::size_t digits = 0;
    while (at < text.size() && isDigit(text[at]))
        ++at, ++digits;
    if (at < text.size() && text[at] == '.')
        ++at;
    while (at < text.size() && isDigit(text[at]))
        ++at, ++digits;
    if (digits == 0)
        return std::nullopt;
    if (at < text.size() && (text[at] == 'e' || text[at] == 'E')) {
        ++at;
        if (at < text.size() && (text[at] == '-' || text[at] == '+'))
            ++at;
        std::size_t exponent = 0;
        while (at < text.size() && isDigit(text[at]))
            ++at, ++exponent;
        if (exponent == 0)
            return std::nullopt;
    }
    if (at != text.size())
        return std::nullopt;
    // from_chars takes no '+'; the sign is put back after.
    const bool negative = text[0] == '-';
    double value = 0;
    const char* first = text.data() + mantissa;
    const char* last = text.data() + text.size();
    const auto [end, error] = std::from_chars(first, last, value, std::chars_format::general);
    if (error != std::errc() || end != last || !std::isfinite(value))
        return std::nullopt;
    return negative ? -value : value;
}

} // namespace

std::optional<AttributeTable>
readShapefileAttributes(const std::string& shpPath, const std::vector<FieldDef>& fields,
                        const std::vector<ShapefileField>& read, int gdalFieldCount,
                        std::span<const std::int64_t> fids, const std::string& encoding,
                        const ProgressCallback& progress)
{
    if (fields.size() != read.size() || read.empty())
        return std::nullopt;
    const std::string dbfPath = sibling(shpPath, ".dbf");
    const std::string shxPath = sibling(shpPath, ".shx");
    if (dbfPath.empty() || shxPath.empty())
        return std::nullopt;
    DbfHeader header;
    try {
        header = readDbfHeader(dbfPath);
    } catch (const IoError&) {
        return std::nullopt;
    }
    // The header as GDAL reads it: the same fields, each where shapelib puts it.
    if (static_cast<int>(header.fields.size()) != gdalFieldCount)
        return std::nullopt;
    std::size_t used = 1;
    for (const DbfHeader::Field& field : header.fields) {
        if (field.type == 'C' && field.decimals != 0)
            return std::nullopt; // a long text field some writers spread over two bytes
        used += static_cast<std::size_t>(field.length);
    }
    if (used > header.recordLength)
        return std::nullopt;
    for (const ShapefileField& field : read) {
        if (field.dbfIndex < 0 || field.dbfIndex >= gdalFieldCount)
            return std::nullopt;
        const DbfHeader::Field& stored = header.fields[static_cast<std::size_t>(field.dbfIndex)];
        switch (field.type) {
        case FieldType::String:
            if (stored.type != 'C' || stored.length != field.width)
                return std::nullopt;
            break;
        case FieldType::Integer:
        case FieldType::Real:
            if ((stored.type != 'N' && stored.type != 'F') || stored.length != field.width)
                return std::nullopt;
            break;
        case FieldType::Date:
            if (stored.type != 'D')
                return std::nullopt;
            break;
        }
    }
    const bool utf8 = encoding == "UTF-8";
    if (!utf8 && !recodedByIconv(encoding))
        return std::nullopt;

    // As many whole records as the .shx says there are shapes (GDAL reads one per shape).
    const MappedFile shx(shxPath);
    if (!shx.isOpen() || shx.size() < 100)
        return std::nullopt;
    const std::size_t declaredBytes = static_cast<std::size_t>(
        std::max<std::int64_t>(0, static_cast<std::int64_t>(bigEndian32(shx.data() + 24)) * 2));
    if (declaredBytes != shx.size() || (shx.size() - 100) % 8 != 0 ||
        (shx.size() - 100) / 8 != header.recordCount)
        return std::nullopt;
    const MappedFile dbf(dbfPath);
    if (!dbf.isOpen() || dbf.size() < static_cast<std::size_t>(header.headerLength) +
                                          static_cast<std::size_t>(header.recordCount) *
                                              header.recordLength)
        return std::nullopt;
    for (std::int64_t fid : fids)
        if (fid < 0 || static_cast<std::uint64_t>(fid) >= header.recordCount)
            return std::nullopt;

    // Each range of records is decoded on a worker into plain values; the ranges go into the
    // table in order as they are done (the table's own appending is cheap next to the parsing).
    struct Decoded {
        std::vector<std::uint8_t> kinds; // per value, row by row
        std::vector<std::int64_t> values;
        std::string texts;
    };
    enum : std::uint8_t { kUnknown, kInteger, kReal, kDate, kText };
    AttributeTable table;
    table.setFields(fields);
    std::atomic<bool> declined{false};
    std::mutex merging;
    std::map<std::size_t, Decoded> finished; // by first row, waiting for the rows before
    std::size_t merged = 0;
    auto merge = [&](const Decoded& rows) {
        std::size_t at = 0;
        const std::size_t columns = read.size();
        for (std::size_t row = 0; row < rows.kinds.size() / columns; ++row) {
            for (std::size_t column = 0; column < columns; ++column, ++at) {
                const int field = static_cast<int>(column);
                const std::int64_t value = rows.values[at];
                switch (rows.kinds[at]) {
                case kInteger:
                    table.setInteger(field, value);
                    break;
                case kReal:
                    table.setReal(field, std::bit_cast<double>(value));
                    break;
                case kDate:
                    table.setDate(field, Date{static_cast<std::int32_t>(value)});
                    break;
                case kText:
                    table.setText(field, std::string_view(rows.texts).substr(
                                             static_cast<std::size_t>(value >> 32),
                                             static_cast<std::size_t>(value & 0xFFFFFFFF)));
                    break;
                default:
                    table.setUnknown(field);
                }
            }
            table.commitRow();
        }
    };
    const unsigned threads = readerThreads(fids.size());
    ParallelOptions options;
    options.threads = threads;
    options.chunk = 8192;
    if (progress)
        options.progress = progress;
    parallelFor(fids.size(), options, [&](unsigned, std::size_t begin, std::size_t end) {
        if (declined.load(std::memory_order_relaxed))
            return;
        Decoded rows;
        rows.kinds.reserve((end - begin) * read.size());
        rows.values.reserve((end - begin) * read.size());
        Recoder recoder(encoding);
        std::string recoded;
        auto put = [&rows](std::uint8_t kind, std::int64_t value) {
            rows.kinds.push_back(kind);
            rows.values.push_back(value);
        };
        auto putText = [&rows, &put](std::string_view text) {
            put(kText, static_cast<std::int64_t>(rows.texts.size()) << 32 |
                           static_cast<std::int64_t>(text.size()));
            rows.texts.append(text);
        };
        for (std::size_t k = begin; k < end; ++k) {
            const unsigned char* record =
                dbf.data() + header.headerLength +
                static_cast<std::size_t>(fids[k]) * header.recordLength;
            for (const ShapefileField& field : read) {
                const DbfHeader::Field& stored =
                    header.fields[static_cast<std::size_t>(field.dbfIndex)];
                const std::string_view value = shapelibValue(
                    record + stored.offset, static_cast<std::size_t>(stored.length));
                bool sure = true;
                switch (field.type) {
                case FieldType::String:
                    if (value.empty()) {
                        put(kUnknown, 0); // GDAL: an empty value is null
                    } else if (utf8 || isAscii(value)) {
                        // Invalid UTF-8 out of GDAL is mended and said by readLayer: left to it.
                        sure = isValidUtf8(value);
                        if (sure)
                            putText(value);
                    } else {
                        sure = recoder.recode(value, recoded) && isValidUtf8(recoded);
                        if (sure)
                            putText(recoded);
                    }
                    break;
                case FieldType::Integer:
                    // shapelib: blank or starting with '*' is null.
                    if (value.empty() || value[0] == '*') {
                        put(kUnknown, 0);
                    } else if (const auto number = plainInteger(value);
                               number && (!field.int32 || (*number >= INT32_MIN &&
                                                           *number <= INT32_MAX))) {
                        put(kInteger, *number);
                    } else {
                        sure = false;
                    }
                    break;
                case FieldType::Real:
                    if (value.empty() || value[0] == '*') {
                        put(kUnknown, 0);
                    } else if (const auto number = plainReal(value)) {
                        put(kReal, std::bit_cast<std::int64_t>(*number));
                    } else {
                        sure = false;
                    }
                    break;
                case FieldType::Date:
                    // shapelib: empty or all zeros is null; GDAL reads YYYYMMDD with atoi.
                    if (value.empty() || value.find_first_not_of('0') == std::string_view::npos) {
                        put(kUnknown, 0);
                    } else if (value.size() == 8 && std::all_of(value.begin(), value.end(),
                                                                isDigit)) {
                        int full = 0;
                        for (char c : value)
                            full = full * 10 + (c - '0');
                        const int y = full / 10000, m = (full / 100) % 100, d = full % 100;
                        if (y > 0 && m >= 1 && m <= 12 && d >= 1 && d <= 31)
                            put(kDate, Date::fromYmd(y, static_cast<unsigned>(m),
                                                     static_cast<unsigned>(d))
                                           .daysSinceEpoch);
                        else
                            put(kUnknown, 0);
                    } else {
                        sure = false;
                    }
                    break;
                }
                if (!sure) {
                    declined = true;
                    return;
                }
            }
        }
        std::lock_guard lock(merging);
        finished.emplace(begin, std::move(rows));
        while (!finished.empty() && finished.begin()->first == merged) {
            if (!declined)
                merge(finished.begin()->second);
            merged += finished.begin()->second.kinds.size() / read.size();
            finished.erase(finished.begin());
        }
    });
    if (declined || table.rowCount() != fids.size())
        return std::nullopt;
    return table;
}

} // namespace parkatlas::geo
