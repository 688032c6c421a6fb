#include "geo/io/shapefile_reader.h"

#include "geo/error.h"
#include "geo/io/dbf.h"
#include "geo/issue.h"

#include <ogr_geometry.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <thread>

namespace parkatlas::geo {

namespace fs = std::filesystem;

namespace {

/// A read-only memory map of a whole file.
class MappedFile {
public:
    explicit MappedFile(const std::string& path)
    {
        m_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (m_fd < 0)
            return;
        struct stat st {};
        if (::fstat(m_fd, &st) != 0 || st.st_size == 0)
            return;
        m_size = static_cast<std::size_t>(st.st_size);
        void* address = ::mmap(nullptr, m_size, PROT_READ, MAP_PRIVATE, m_fd, 0);
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

/// Parses records [begin, end) into `store`; problems go to `problems` as (fid, text).
void parseRecords(const unsigned char* shp, std::size_t shpSize, const std::vector<Record>& records,
                  std::size_t begin, std::size_t end, GeometryStore& store,
                  std::vector<Issue>& problems)
{
    std::vector<std::int32_t> partStarts;
    std::vector<unsigned char> wkb;
    bool badCoordinate = false;
    bool unclosedReported = false;
    auto addVertex = [&](const unsigned char* at) {
        const double x = littleEndianDouble(at);
        const double y = littleEndianDouble(at + 8);
        if (!std::isfinite(x) || !std::isfinite(y) || std::fabs(x) > 1e15 || std::fabs(y) > 1e15)
            badCoordinate = true;
        store.addVertex(x, y);
    };
    for (std::size_t r = begin; r < end; ++r) {
        const Record& record = records[r];
        badCoordinate = false;
        auto corrupt = [&](const char* why) {
            const bool badData = badCoordinate;
            problems.push_back({badData ? Issue::Severity::Warning : Issue::Severity::Error,
                                {},
                                {},
                                record.fid,
                                why});
            store.popFeature();
            store.appendEmpty();
        };
        store.beginFeature();
        if (record.length < 4 || record.offset + record.length > shpSize) {
            corrupt("corrupt record: it runs past the end of the .shp");
            continue;
        }
        const unsigned char* p = shp + record.offset;
        const unsigned char* recordEnd = p + record.length;
        const std::int32_t type = littleEndian32(p);
        if (type == 0) { // null shape
            store.endFeature();
            continue;
        }
        const Family family = familyOf(type);
        if (kindOf(family) != store.kind()) {
            corrupt("corrupt record: its shape type does not match the file's");
            continue;
        }
        if (family == Family::Point) {
            if (p + 20 > recordEnd) {
                corrupt("corrupt record: a point shorter than 20 bytes");
                continue;
            }
            store.beginPart();
            store.beginRing();
            addVertex(p + 4);
            if (badCoordinate)
                corrupt("geometry skipped: coordinates are NaN, infinite or absurdly large");
            else
                store.endFeature();
            continue;
        }
        if (family == Family::MultiPoint) {
            if (p + 40 > recordEnd) {
                corrupt("corrupt record: a multipoint shorter than its header");
                continue;
            }
            const std::int32_t count = littleEndian32(p + 36);
            if (count < 0 || static_cast<std::size_t>(count) > (record.length - 40) / 16) {
                corrupt("corrupt record: more points than the record holds");
                continue;
            }
            const unsigned char* points = p + 40;
            for (std::int32_t i = 0; i < count; ++i) {
                store.beginPart();
                store.beginRing();
                addVertex(points + 16 * i);
            }
            if (badCoordinate)
                corrupt("geometry skipped: coordinates are NaN, infinite or absurdly large");
            else
                store.endFeature();
            continue;
        }
        // Lines and polygons: box, numParts, numPoints, parts[], points[].
        if (p + 44 > recordEnd) {
            corrupt("corrupt record: shorter than its header");
            continue;
        }
        const std::int32_t numParts = littleEndian32(p + 36);
        const std::int32_t numPoints = littleEndian32(p + 40);
        if (numParts < 0 || numPoints < 0 ||
            44 + 4 * static_cast<std::size_t>(numParts) + 16 * static_cast<std::size_t>(numPoints) >
                record.length) {
            corrupt("corrupt record: more parts or points than the record holds");
            continue;
        }
        partStarts.assign(static_cast<std::size_t>(numParts), 0);
        bool ok = true;
        for (std::int32_t i = 0; i < numParts; ++i) {
            partStarts[i] = littleEndian32(p + 44 + 4 * i);
            // As shapelib: parts start strictly after one another, inside the point list.
            if (partStarts[i] < 0 || (partStarts[i] >= numPoints && numPoints > 0) ||
                (i > 0 && partStarts[i] <= partStarts[i - 1]))
                ok = false;
        }
        if (!ok) {
            corrupt("corrupt record: part offsets out of order or out of range");
            continue;
        }
        const unsigned char* points = p + 44 + 4 * numParts;
        auto ringRange = [&](std::int32_t part) {
            const std::int32_t from = partStarts[part];
            const std::int32_t to = part + 1 < numParts ? partStarts[part + 1] : numPoints;
            return std::make_pair(from, to);
        };
        if (family == Family::Line) {
            for (std::int32_t part = 0; part < numParts; ++part) {
                const auto [from, to] = ringRange(part);
                if (to == from)
                    continue;
                store.beginPart();
                store.beginRing();
                for (std::int32_t v = from; v < to; ++v)
                    addVertex(points + 16 * v);
            }
            if (badCoordinate)
                corrupt("geometry skipped: coordinates are NaN, infinite or absurdly large");
            else
                store.endFeature();
            continue;
        }
        // Polygon. One ring is an exterior whatever its winding. Several rings are organised
        // exactly as GDAL's shapefile driver does (organizePolygons, ONLY_CCW: clockwise rings
        // are exteriors, each counter-clockwise ring a hole of the exterior that contains it),
        // so that both paths give the same polygons; only multi-ring records pay for it.
        for (std::int32_t part = 0; part < numParts && !unclosedReported; ++part) {
            const auto [from, to] = ringRange(part);
            if (to - from >= 2 &&
                std::memcmp(points + 16 * from, points + 16 * (to - 1), 16) != 0) {
                problems.push_back({Issue::Severity::Warning,
                                    {},
                                    {},
                                    record.fid,
                                    "a ring is not closed (its last vertex is not its first); "
                                    "it is read as if it were"});
                unclosedReported = true; // once per reader: a whole file is usually so
            }
        }
        if (numParts == 1) {
            const auto [from, to] = ringRange(0);
            if (to > from) {
                store.beginPart();
                store.beginRing();
                for (std::int32_t v = from; v < to; ++v)
                    addVertex(points + 16 * v);
            }
        } else {
            std::vector<OGRGeometry*> rings;
            for (std::int32_t part = 0; part < numParts; ++part) {
                const auto [from, to] = ringRange(part);
                auto* ring = new OGRLinearRing();
                ring->setNumPoints(to - from, FALSE);
                for (std::int32_t v = from; v < to; ++v) {
                    const double x = littleEndianDouble(points + 16 * v);
                    const double y = littleEndianDouble(points + 16 * v + 8);
                    if (!std::isfinite(x) || !std::isfinite(y))
                        badCoordinate = true;
                    ring->setPoint(v - from, x, y);
                }
                auto* polygon = new OGRPolygon();
                polygon->addRingDirectly(ring);
                rings.push_back(polygon);
            }
            int valid = FALSE;
            const char* organiseOptions[] = {"METHOD=ONLY_CCW", nullptr};
            std::unique_ptr<OGRGeometry> organised(OGRGeometryFactory::organizePolygons(
                rings.data(), static_cast<int>(rings.size()), &valid, organiseOptions));
            if (!badCoordinate && organised) {
                wkb.resize(static_cast<std::size_t>(organised->WkbSize()));
                organised->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
                store.popFeature(); // the feature begun above; appendWkb makes its own
                if (!store.appendWkb(wkb.data(), wkb.size())) {
                    corrupt("corrupt record: its rings do not make polygons");
                    continue;
                }
                continue;
            }
        }
        if (badCoordinate)
            corrupt("geometry skipped: coordinates are NaN, infinite or absurdly large");
        else
            store.endFeature();
    }
}

} // namespace

bool canReadShapefileGeometry(const std::string& shpPath)
{
    MappedFile shp(shpPath);
    if (!shp.isOpen() || shp.size() < 100 || bigEndian32(shp.data()) != 9994)
        return false;
    return familyOf(littleEndian32(shp.data() + 32)) != Family::Unsupported &&
           !sibling(shpPath, ".shx").empty();
}

ShapefileGeometry readShapefileGeometry(const std::string& shpPath, IssueSink& issues)
{
    MappedFile shp(shpPath);
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
    MappedFile shx(shxPath);
    if (!shx.isOpen() || shx.size() < 100)
        throw IoError("the .shx index is empty or unreadable", {shxPath, {}, -1, {}});

    // Deleted DBF rows are skipped, as GDAL skips them, so fids and attribute rows line up.
    std::vector<bool> deleted;
    if (const std::string dbfPath = sibling(shpPath, ".dbf"); !dbfPath.empty()) {
        try {
            const DbfHeader header = readDbfHeader(dbfPath);
            MappedFile dbf(dbfPath);
            if (dbf.isOpen()) {
                deleted.assign(header.recordCount, false);
                for (std::uint32_t r = 0; r < header.recordCount; ++r) {
                    const std::size_t at =
                        header.headerLength + static_cast<std::size_t>(r) * header.recordLength;
                    if (at >= dbf.size())
                        break;
                    deleted[r] = dbf.data()[at] == '*';
                }
            }
        } catch (const IoError&) {
            // GDAL reports a broken .dbf when it reads the attributes.
        }
    }

    // As GDAL does, the .shx header's file length (in 16-bit words) says how many records
    // there are; bytes past it are not records.
    const std::size_t declaredBytes = static_cast<std::size_t>(
        std::max<std::int64_t>(0, static_cast<std::int64_t>(bigEndian32(shx.data() + 24)) * 2));
    const std::size_t recordCount =
        (std::min(declaredBytes, shx.size()) -
         std::min<std::size_t>(100, std::min(declaredBytes, shx.size()))) /
        8;
    std::vector<Record> records;
    records.reserve(recordCount);
    for (std::size_t r = 0; r < recordCount; ++r) {
        if (r < deleted.size() && deleted[r])
            continue;
        const unsigned char* entry = shx.data() + 100 + 8 * r;
        const std::int64_t offsetWords = bigEndian32(entry);
        const std::int64_t lengthWords = bigEndian32(entry + 4);
        Record record{static_cast<std::int64_t>(r), 0, 0};
        if (offsetWords >= 0 && lengthWords >= 0) {
            // As shapelib: the .shx says where a record starts and how long it is; only when
            // that length runs past the end of the .shp is the record's own header believed
            // (writers have got the .shx length wrong: GDAL ticket 5608).
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
        records.push_back(record);
    }

    ShapefileGeometry result;
    result.geometry.setKind(kindOf(family));
    result.fids.reserve(records.size());
    for (const Record& record : records)
        result.fids.push_back(record.fid);

    const unsigned threads = records.size() >= 50000
                                 ? std::max(1u, std::min(2u, std::thread::hardware_concurrency()))
                                 : 1;
    std::vector<GeometryStore> pieces(threads, GeometryStore(kindOf(family)));
    std::vector<std::vector<Issue>> problems(threads);
    const std::size_t estimatedVertices = (shp.size() / 16) / threads;
    auto work = [&](unsigned t) {
        const std::size_t begin = records.size() * t / threads;
        const std::size_t end = records.size() * (t + 1) / threads;
        pieces[t].reserve(end - begin, estimatedVertices);
        parseRecords(shp.data(), shp.size(), records, begin, end, pieces[t], problems[t]);
        pieces[t].endFeature();
    };
    if (threads == 1) {
        work(0);
    } else {
        std::vector<std::thread> pool;
        for (unsigned t = 0; t < threads; ++t)
            pool.emplace_back(work, t);
        for (std::thread& thread : pool)
            thread.join();
    }
    result.geometry = std::move(pieces[0]);
    for (unsigned t = 1; t < threads; ++t)
        result.geometry.append(pieces[t]);
    result.geometry.shrinkToFit();
    for (auto& list : problems)
        for (Issue& issue : list) {
            issue.path = shpPath;
            issue.layer = fs::path(shpPath).stem().string();
            issues.report(std::move(issue));
        }
    return result;
}

} // namespace parkatlas::geo
