// gen_cadastre: a synthetic cadastre for the benchmarks, written straight as an ESRI shapefile
// (.shp .shx .dbf .prj .cpg), byte for byte the same on every run for the same count.
//
//   gen_cadastre COUNT OUT_BASENAME        (writes OUT_BASENAME.shp, .shx, .dbf, .prj, .cpg)
//   gen_cadastre COUNT OUT_BASENAME --plan-zones ZONES_BASENAME
//                                          (and a plan over the same park, see below)
//
// The cadastre: a street grid centred on 30.5°N 114°E in CGCS2000 / 3-degree Gauss-Krüger
// CM 114E (EPSG:4547; false easting 500 km, no zone prefix). Blocks of 250–500 m × 200–400 m
// between streets 20–40 m wide are cut into 1–3 rows × 2–5 columns of parcels (0.4–10 ha,
// mean about 1.6 ha = 24 mu), whose dividing lines slant and whose inner corners are jittered, so
// parcels are quadrilaterals, not rectangles. Every edge carries 0–4 extra surveyed vertices
// (with sub-metre offsets), shared exactly by the two parcels on either side, so the parcels
// tile each block without gaps or overlaps, as a clean cadastre does. 1.5 % of parcels have a
// hole (an enclave not registered with them). Coordinates are rounded to the millimetre.
// On average 11.8 vertices per parcel as stored (closing vertices included), so 1,000,000
// parcels hold about 11.8 million vertices (DESIGN.md, "Performance budgets").
//
// Fields: parcel_id (宗地代码-like, 19 characters, unique), land_use (GB 50137-2011 codes, an
// industrial park's mix, mostly one class per block).
//
// With --plan-zones, also a plan_zones layer (控规地块; fields zone_id, land_use) over the same
// park, and the parcels' land_use follow it instead: each row of blocks is cut into zones of
// 1–3 consecutive blocks, bounded by the streets' centre lines (so zones tile the park and a
// parcel, which strays at most 0.6 m off its block, lies wholly inside one zone); 8 % of
// single-block zones are split in two by a north–south line (the parcels across it overlap two
// zones). A quarter of the zones carry a class code (M, W, R ...) and their parcels a subclass
// (M1, M2 ...); the others carry a subclass and their parcels the same. 2 % of the parcels
// (hash-chosen) carry a code of another class that fits no zone they lie in (M, W → R2; the
// others → M2). Codes are chosen so that the product's fit (styles/landuse.json: ancestors,
// crosswalk, M1 ↔ W1) and the bench's SQL (equal, or the parcel code starts with the zone
// code) agree: no split puts an M zone next to a W zone, and B4 (B1's child by the crosswalk)
// is never used. Without --plan-zones the output is byte for byte what it was before.
//
// No GDAL: plain C++ (so it is fast, and its bytes depend on nothing but this file).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

constexpr double kCentreE = 500000.0;                  // 114°E, CM of EPSG:4547
constexpr double kCentreN = 3375541.733;               // 30.5°N on CGCS2000 GK CM 114E (cs2cs)
constexpr std::uint64_t kSeed = 0x5041524b41544c41ULL; // "PARKATLA"

const char* kPrj =
    "PROJCS[\"CGCS2000_3_Degree_GK_CM_114E\",GEOGCS[\"GCS_China_Geodetic_Coordinate_System_2000\","
    "DATUM[\"D_China_2000\",SPHEROID[\"CGCS2000\",6378137.0,298.257222101]],PRIMEM[\"Greenwich\",0."
    "0],"
    "UNIT[\"Degree\",0.0174532925199433]],PROJECTION[\"Gauss_Kruger\"],PARAMETER[\"False_Easting\","
    "500000.0],"
    "PARAMETER[\"False_Northing\",0.0],PARAMETER[\"Central_Meridian\",114.0],PARAMETER[\"Scale_"
    "Factor\",1.0],"
    "PARAMETER[\"Latitude_Of_Origin\",0.0],UNIT[\"Meter\",1.0]]";

// Deterministic hashing: every random choice is a pure function of (what, where), so nothing
// depends on the order things are generated in.
std::uint64_t mix(std::uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}
std::uint64_t hash(std::uint64_t a, std::uint64_t b = 0, std::uint64_t c = 0, std::uint64_t d = 0)
{
    return mix(mix(mix(mix(kSeed ^ a) ^ b) ^ c) ^ d);
}
/// Uniform in [0, 1) from a hash (53 bits).
double unit(std::uint64_t h)
{
    return static_cast<double>(h >> 11) * 0x1.0p-53;
}
double uniform(std::uint64_t h, double lo, double hi)
{
    return lo + (hi - lo) * unit(h);
}

double mm(double v)
{
    return std::round(v * 1000.0) / 1000.0;
}

// Tags for the hash, one per kind of choice.
enum Tag : std::uint64_t {
    kColWidth = 1,
    kColStreet,
    kRowHeight,
    kRowStreet,
    kBlockRows,
    kBlockCols,
    kColLine,
    kColSlant,
    kRowLine,
    kRowSlant,
    kNodeJitter,
    kEdgeCount,
    kEdgePoint,
    kEdgeOffset,
    kHole,
    kHoleSize,
    kBlockUse,
    kParcelUse,
    kParcelUseMix,
    kZoneGroup,
    kZoneUse,
    kZoneCoarse,
    kZoneSplit,
    kZoneSplitAt,
    kZoneSplitUse,
    kParcelSub,
    kMisfit,
};

struct Pt {
    double x, y;
};

// Extra vertices per edge: mean 1.681 (with the holes: 11.8 vertices per parcel as stored).
int edgeVertexCount(std::uint64_t h)
{
    const int bucket = static_cast<int>(h % 1000);
    if (bucket < 159)
        return 0;
    if (bucket < 470)
        return 1;
    if (bucket < 770)
        return 2;
    if (bucket < 920)
        return 3;
    return 4;
}

struct LandUse {
    const char* code;
    int weight; // per mille
};
// An industrial park's mix (GB 50137-2011): mostly M (工业), W (物流仓储), some B, R, A, S, U, G.
const LandUse kLandUses[] = {
    {"M1", 380}, {"M2", 200}, {"M3", 50}, {"W1", 80}, {"B1", 60}, {"B2", 20},
    {"R2", 90},  {"A3", 20},  {"S4", 30}, {"U1", 20}, {"G1", 50},
};
const char* pickUse(std::uint64_t h)
{
    int r = static_cast<int>(h % 1000);
    for (const LandUse& use : kLandUses) {
        if (r < use.weight)
            return use.code;
        r -= use.weight;
    }
    return kLandUses[0].code;
}

// --- little-endian / big-endian writers into a byte buffer ---------------------------------
void putLE32(std::vector<unsigned char>& b, std::int32_t v)
{
    const auto u = static_cast<std::uint32_t>(v);
    for (int i = 0; i < 4; ++i)
        b.push_back(static_cast<unsigned char>(u >> (8 * i)));
}
void putBE32(std::vector<unsigned char>& b, std::int32_t v)
{
    const auto u = static_cast<std::uint32_t>(v);
    for (int i = 3; i >= 0; --i)
        b.push_back(static_cast<unsigned char>(u >> (8 * i)));
}
void putLE64f(std::vector<unsigned char>& b, double v)
{
    std::uint64_t u;
    std::memcpy(&u, &v, 8);
    for (int i = 0; i < 8; ++i)
        b.push_back(static_cast<unsigned char>(u >> (8 * i)));
}

struct Box {
    double xmin = 1e300, ymin = 1e300, xmax = -1e300, ymax = -1e300;
    void add(const Pt& p)
    {
        xmin = std::min(xmin, p.x);
        ymin = std::min(ymin, p.y);
        xmax = std::max(xmax, p.x);
        ymax = std::max(ymax, p.y);
    }
};

std::vector<unsigned char> shpHeader(std::int64_t fileBytes, const Box& box)
{
    std::vector<unsigned char> h;
    putBE32(h, 9994);
    for (int i = 0; i < 5; ++i)
        putBE32(h, 0);
    putBE32(h, static_cast<std::int32_t>(fileBytes / 2));
    putLE32(h, 1000);
    putLE32(h, 5); // Polygon
    putLE64f(h, box.xmin);
    putLE64f(h, box.ymin);
    putLE64f(h, box.xmax);
    putLE64f(h, box.ymax);
    for (int i = 0; i < 4; ++i)
        putLE64f(h, 0.0);
    return h;
}

double signedArea(const std::vector<Pt>& ring) // closed ring
{
    double s = 0;
    const Pt o = ring[0];
    for (std::size_t i = 0; i + 1 < ring.size(); ++i)
        s += (ring[i].x - o.x) * (ring[i + 1].y - o.y) - (ring[i + 1].x - o.x) * (ring[i].y - o.y);
    return s / 2;
}

void fail(const std::string& what)
{
    std::fprintf(stderr, "gen_cadastre: %s\n", what.c_str());
    std::exit(2);
}

class Writer {
public:
    explicit Writer(const std::string& base, const char* idField = "parcel_id")
        : base_(base), idField_(idField)
    {
        shp_ = open(base + ".shp");
        shx_ = open(base + ".shx");
        dbf_ = open(base + ".dbf");
        // Placeholders for the headers, rewritten at the end.
        std::vector<unsigned char> zeros(100, 0);
        std::fwrite(zeros.data(), 1, 100, shp_);
        std::fwrite(zeros.data(), 1, 100, shx_);
        std::vector<unsigned char> dbfHeader(kDbfHeaderLen, 0);
        std::fwrite(dbfHeader.data(), 1, dbfHeader.size(), dbf_);
        shpBytes_ = 100;
    }

    void add(const std::vector<std::vector<Pt>>& rings, const std::string& id, const char* use)
    {
        Box box;
        std::int32_t points = 0;
        for (const auto& ring : rings) {
            for (const Pt& p : ring)
                box.add(p);
            points += static_cast<std::int32_t>(ring.size());
        }
        total_.add({box.xmin, box.ymin});
        total_.add({box.xmax, box.ymax});
        const auto parts = static_cast<std::int32_t>(rings.size());
        const std::int32_t contentBytes = 4 + 32 + 4 + 4 + 4 * parts + 16 * points;
        rec_.clear();
        putBE32(rec_, ++records_);
        putBE32(rec_, contentBytes / 2);
        putLE32(rec_, 5);
        putLE64f(rec_, box.xmin);
        putLE64f(rec_, box.ymin);
        putLE64f(rec_, box.xmax);
        putLE64f(rec_, box.ymax);
        putLE32(rec_, parts);
        putLE32(rec_, points);
        std::int32_t start = 0;
        for (const auto& ring : rings) {
            putLE32(rec_, start);
            start += static_cast<std::int32_t>(ring.size());
        }
        for (const auto& ring : rings)
            for (const Pt& p : ring) {
                putLE64f(rec_, p.x);
                putLE64f(rec_, p.y);
            }
        std::fwrite(rec_.data(), 1, rec_.size(), shp_);
        idx_.clear();
        putBE32(idx_, static_cast<std::int32_t>(shpBytes_ / 2));
        putBE32(idx_, contentBytes / 2);
        std::fwrite(idx_.data(), 1, idx_.size(), shx_);
        shpBytes_ += static_cast<std::int64_t>(rec_.size());
        if (shpBytes_ > 0x7ffffffeLL * 2)
            fail("the .shp would pass 4 GB");
        vertices_ += points;

        char row[1 + kIdWidth + kUseWidth];
        std::memset(row, ' ', sizeof row);
        std::memcpy(row + 1, id.data(), std::min<std::size_t>(id.size(), kIdWidth));
        std::memcpy(row + 1 + kIdWidth, use, std::min<std::size_t>(std::strlen(use), kUseWidth));
        std::fwrite(row, 1, sizeof row, dbf_);
    }

    void finish()
    {
        const auto shpHead = shpHeader(shpBytes_, total_);
        std::fseek(shp_, 0, SEEK_SET);
        std::fwrite(shpHead.data(), 1, shpHead.size(), shp_);
        const auto shxHead = shpHeader(100 + 8LL * records_, total_);
        std::fseek(shx_, 0, SEEK_SET);
        std::fwrite(shxHead.data(), 1, shxHead.size(), shx_);

        const unsigned char eof = 0x1a;
        std::fwrite(&eof, 1, 1, dbf_);
        std::vector<unsigned char> h;
        h.push_back(0x03);
        h.push_back(126); // last update 2026-01-01 (fixed: the bytes must not depend on the day)
        h.push_back(1);
        h.push_back(1);
        putLE32(h, records_);
        h.push_back(kDbfHeaderLen & 0xff);
        h.push_back(kDbfHeaderLen >> 8);
        const int recordLen = 1 + kIdWidth + kUseWidth;
        h.push_back(recordLen & 0xff);
        h.push_back(recordLen >> 8);
        while (h.size() < 32)
            h.push_back(0);
        auto field = [&h](const char* name, int width) {
            char n[11] = {};
            std::strncpy(n, name, 10);
            h.insert(h.end(), n, n + 11);
            h.push_back('C');
            for (int i = 0; i < 4; ++i)
                h.push_back(0);
            h.push_back(static_cast<unsigned char>(width));
            h.push_back(0);
            for (int i = 0; i < 14; ++i)
                h.push_back(0);
        };
        field(idField_, kIdWidth);
        field("land_use", kUseWidth);
        h.push_back(0x0d);
        std::fseek(dbf_, 0, SEEK_SET);
        std::fwrite(h.data(), 1, h.size(), dbf_);

        for (FILE* f : {shp_, shx_, dbf_})
            if (std::fflush(f) != 0 || std::ferror(f) || std::fclose(f) != 0)
                fail("cannot write " + base_ + ".*");
        FILE* prj = open(base_ + ".prj");
        std::fputs(kPrj, prj);
        std::fclose(prj);
        FILE* cpg = open(base_ + ".cpg");
        std::fputs("UTF-8", cpg);
        std::fclose(cpg);
    }

    std::int32_t records() const { return records_; }
    std::int64_t vertices() const { return vertices_; }

private:
    static constexpr int kIdWidth = 19;
    static constexpr int kUseWidth = 4;
    static constexpr int kDbfHeaderLen = 32 + 32 * 2 + 1;

    FILE* open(const std::string& path)
    {
        FILE* f = std::fopen(path.c_str(), "wb");
        if (!f)
            fail("cannot create " + path);
        std::setvbuf(f, nullptr, _IOFBF, 1 << 20);
        return f;
    }

    std::string base_;
    const char* idField_;
    FILE* shp_ = nullptr;
    FILE* shx_ = nullptr;
    FILE* dbf_ = nullptr;
    std::int64_t shpBytes_ = 0;
    std::int32_t records_ = 0;
    std::int64_t vertices_ = 0;
    Box total_;
    std::vector<unsigned char> rec_, idx_;
};

/// One street block cut into rows × cols parcels.
class Block {
public:
    Block(std::uint64_t id, double x0, double y0, double w, double h)
        : id_(id), x0_(x0), y0_(y0), w_(w), h_(h)
    {
        rows_ = 1 + static_cast<int>(hash(kBlockRows, id) % 3);
        cols_ = 2 + static_cast<int>(hash(kBlockCols, id) % 4);
    }
    int parcels() const { return rows_ * cols_; }
    int rows() const { return rows_; }

    /// Node (i, j), 0 <= i <= rows, 0 <= j <= cols.
    Pt node(int i, int j) const
    {
        const double ti = static_cast<double>(i) / rows_;
        const double tj = static_cast<double>(j) / cols_;
        double x, y;
        if (j == 0 || j == cols_) {
            x = x0_ + w_ * tj;
        } else {
            const double cell = w_ / cols_;
            const double base = x0_ + w_ * tj + uniform(hash(kColLine, id_, j), -0.15, 0.15) * cell;
            const double slant = uniform(hash(kColSlant, id_, j), -0.1, 0.1) * cell;
            x = base + slant * (ti - 0.5);
        }
        if (i == 0 || i == rows_) {
            y = y0_ + h_ * ti;
        } else {
            const double cell = h_ / rows_;
            const double base = y0_ + h_ * ti + uniform(hash(kRowLine, id_, i), -0.15, 0.15) * cell;
            const double slant = uniform(hash(kRowSlant, id_, i), -0.1, 0.1) * cell;
            y = base + slant * (tj - 0.5);
        }
        // Inner corners are surveyed, not designed: a few metres off the lines.
        if (i > 0 && i < rows_ && j > 0 && j < cols_) {
            x += uniform(hash(kNodeJitter, id_, i * 64 + j, 0), -4, 4);
            y += uniform(hash(kNodeJitter, id_, i * 64 + j, 1), -4, 4);
        }
        return {mm(x), mm(y)};
    }

    /// The extra vertices of the edge from a to b (edge key `key`), in the a→b direction.
    void edgeVertices(std::uint64_t key, const Pt& a, const Pt& b, std::vector<Pt>& out) const
    {
        const int n = edgeVertexCount(hash(kEdgeCount, id_, key));
        if (n == 0)
            return;
        double t[4];
        for (int k = 0; k < n; ++k)
            t[k] = uniform(hash(kEdgePoint, id_, key, k), 0.08, 0.92);
        std::sort(t, t + n);
        const double dx = b.x - a.x, dy = b.y - a.y;
        const double len = std::hypot(dx, dy);
        const double nx = -dy / len, ny = dx / len;
        for (int k = 0; k < n; ++k) {
            const double off = uniform(hash(kEdgeOffset, id_, key, k), -0.6, 0.6);
            out.push_back({mm(a.x + t[k] * dx + off * nx), mm(a.y + t[k] * dy + off * ny)});
        }
    }

    /// Appends the edge from node p to node q (exclusive of q) to `ring`. The same extra
    /// vertices whichever way it is walked, so neighbours share them exactly.
    void walk(int pi, int pj, int qi, int qj, std::vector<Pt>& ring) const
    {
        const bool forward = (pi < qi) || (pi == qi && pj < qj);
        const int ai = forward ? pi : qi, aj = forward ? pj : qj;
        const int bi = forward ? qi : pi, bj = forward ? qj : pj;
        const std::uint64_t key =
            (static_cast<std::uint64_t>(ai) * 64 + aj) * 2 + (ai == bi ? 0 : 1);
        ring.push_back(node(pi, pj));
        scratch_.clear();
        edgeVertices(key, node(ai, aj), node(bi, bj), scratch_);
        if (forward)
            ring.insert(ring.end(), scratch_.begin(), scratch_.end());
        else
            ring.insert(ring.end(), scratch_.rbegin(), scratch_.rend());
    }

    /// Parcel k (0 <= k < parcels()): outer ring clockwise, holes counter-clockwise, closed.
    void parcel(int k, std::vector<std::vector<Pt>>& rings) const
    {
        const int i = k / cols_, j = k % cols_;
        rings.assign(1, {});
        std::vector<Pt>& outer = rings[0];
        // Counter-clockwise in (E, N), reversed below.
        walk(i, j, i, j + 1, outer);
        walk(i, j + 1, i + 1, j + 1, outer);
        walk(i + 1, j + 1, i + 1, j, outer);
        walk(i + 1, j, i, j, outer);
        outer.push_back(outer.front());
        if (signedArea(outer) > 0)
            std::reverse(outer.begin(), outer.end());
        const std::uint64_t parcelKey = static_cast<std::uint64_t>(k);
        if (hash(kHole, id_, parcelKey) % 1000 < 15) {
            // A square enclave around the middle of the parcel's corners.
            const Pt a = node(i, j), c = node(i + 1, j + 1);
            const double cx = (a.x + c.x) / 2, cy = (a.y + c.y) / 2;
            const double half = uniform(hash(kHoleSize, id_, parcelKey), 5, 15);
            std::vector<Pt> hole = {{mm(cx - half), mm(cy - half)},
                                    {mm(cx + half), mm(cy - half)},
                                    {mm(cx + half), mm(cy + half)},
                                    {mm(cx - half), mm(cy + half)},
                                    {mm(cx - half), mm(cy - half)}};
            if (signedArea(hole) < 0)
                std::reverse(hole.begin(), hole.end());
            rings.push_back(std::move(hole));
        }
    }

    const char* landUse(int k) const
    {
        const char* blockUse = pickUse(hash(kBlockUse, id_));
        const std::uint64_t h = hash(kParcelUseMix, id_, static_cast<std::uint64_t>(k));
        return h % 100 < 80 ? blockUse
                            : pickUse(hash(kParcelUse, id_, static_cast<std::uint64_t>(k)));
    }

private:
    std::uint64_t id_;
    double x0_, y0_, w_, h_;
    int rows_ = 1, cols_ = 2;
    mutable std::vector<Pt> scratch_;
};

// --- plan mode: the zones and the codes of the parcels in them -------------------------------

/// A subclass of a class (M → M1, M2 or M3), weighted as in kLandUses.
const char* subclassOf(char cls, std::uint64_t h)
{
    int total = 0;
    for (const LandUse& use : kLandUses)
        if (use.code[0] == cls)
            total += use.weight;
    int r = static_cast<int>(h % static_cast<std::uint64_t>(total));
    for (const LandUse& use : kLandUses)
        if (use.code[0] == cls) {
            if (r < use.weight)
                return use.code;
            r -= use.weight;
        }
    return kLandUses[0].code;
}
/// A code of another class (R2 fits no M or W zone, M2 none of the others).
const char* misfitFor(const std::string& zoneCode)
{
    return zoneCode[0] == 'M' || zoneCode[0] == 'W' ? "R2" : "M2";
}
/// A zone's code: a subclass, or (a quarter of the zones) its class alone.
std::string zoneCode(std::uint64_t key, Tag tag)
{
    std::string code = pickUse(hash(tag, key));
    if (hash(kZoneCoarse, key, tag) % 100 < 25)
        code.resize(1);
    return code;
}
/// The code of parcel k of a block, in a zone with `code`.
std::string parcelCodeIn(const std::string& code, std::uint64_t block, int k)
{
    const auto key = static_cast<std::uint64_t>(k);
    if (hash(kMisfit, block, key) % 1000 < 20)
        return misfitFor(code);
    if (code.size() == 1)
        return subclassOf(code[0], hash(kParcelSub, block, key));
    return code;
}

struct Zone {
    double x0, y0, x1, y1;
    std::string code;
};

/// The zones of one row of blocks (appended to `zones`); per block, the zone of its west part,
/// of its east part (the same unless split) and where it is split.
struct RowPlan {
    std::vector<int> west, east;
    std::vector<double> splitX;
};
RowPlan planRow(int r, int columns, const std::vector<double>& colX,
                const std::vector<double>& colW, const std::vector<double>& streetAfter,
                double originX, double yBottom, double yTop, std::vector<Zone>& zones)
{
    RowPlan plan;
    plan.west.assign(columns, -1);
    plan.east.assign(columns, -1);
    plan.splitX.assign(columns, 0.0);
    auto westEdge = [&](int c) {
        return mm(originX + colX[c] - (c == 0 ? 15.0 : streetAfter[c - 1] / 2));
    };
    auto eastEdge = [&](int c) { return mm(originX + colX[c] + colW[c] + streetAfter[c] / 2); };
    for (int c = 0; c < columns;) {
        const std::uint64_t key = static_cast<std::uint64_t>(r) * columns + c;
        const int size = std::min(columns - c, 1 + static_cast<int>(hash(kZoneGroup, key) % 3));
        const std::string code = zoneCode(key, kZoneUse);
        if (size == 1 && hash(kZoneSplit, key) % 100 < 8) {
            const double at =
                mm(originX + colX[c] + colW[c] * uniform(hash(kZoneSplitAt, key), 0.35, 0.65));
            std::string east = zoneCode(key, kZoneSplitUse);
            if ((code[0] == 'M' && east[0] == 'W') || (code[0] == 'W' && east[0] == 'M'))
                east = "B1"; // M1 and W1 fit each other (styles/landuse.json), the SQL not
            plan.west[c] = static_cast<int>(zones.size());
            zones.push_back({westEdge(c), yBottom, at, yTop, code});
            plan.east[c] = static_cast<int>(zones.size());
            zones.push_back({at, yBottom, eastEdge(c), yTop, east});
            plan.splitX[c] = at;
        } else {
            const int z = static_cast<int>(zones.size());
            zones.push_back({westEdge(c), yBottom, eastEdge(c + size - 1), yTop, code});
            for (int k = c; k < c + size; ++k)
                plan.west[k] = plan.east[k] = z;
        }
        c += size;
    }
    return plan;
}

} // namespace

int main(int argc, char** argv)
{
    const bool plan = argc == 5 && std::strcmp(argv[3], "--plan-zones") == 0;
    if (argc != 3 && !plan) {
        std::fprintf(stderr,
                     "usage: gen_cadastre COUNT OUT_BASENAME [--plan-zones ZONES_BASENAME]\n");
        return 2;
    }
    char* end = nullptr;
    const long long count = std::strtoll(argv[1], &end, 10);
    if (!end || *end || count <= 0 || count > 20000000)
        fail(std::string("bad COUNT: ") + argv[1]);
    const std::string base = argv[2];

    // Mean block 375 × 300 m plus a 30 m street; mean 2 × 3.5 parcels a block.
    const double blocks = static_cast<double>(count) / 7.0;
    const int columns =
        std::max(1, static_cast<int>(std::lround(std::sqrt(blocks * 330.0 / 405.0))));
    const int rowsGuess = static_cast<int>(std::ceil(blocks / columns));
    std::vector<double> colX(columns), colW(columns), streetAfter(columns);
    double x = 0;
    for (int c = 0; c < columns; ++c) {
        colW[c] = uniform(hash(kColWidth, c), 250, 500);
        colX[c] = x;
        streetAfter[c] = uniform(hash(kColStreet, c), 20, 40);
        x += colW[c] + streetAfter[c];
    }
    const double originX = kCentreE - x / 2;
    const double originY = kCentreN - rowsGuess * 330.0 / 2;

    Writer out(base);
    std::vector<std::vector<Pt>> rings;
    long long written = 0;
    double y = 0;
    char id[32];
    std::vector<Zone> zones;
    double streetBelow = 30.0;
    std::string use;
    for (int r = 0; written < count; ++r) {
        const double height = uniform(hash(kRowHeight, r), 200, 400);
        RowPlan rowPlan;
        if (plan) {
            const double streetAbove = uniform(hash(kRowStreet, r), 20, 40);
            rowPlan = planRow(r, columns, colX, colW, streetAfter, originX,
                              mm(originY + y - streetBelow / 2),
                              mm(originY + y + height + streetAbove / 2), zones);
            streetBelow = streetAbove;
        }
        for (int c = 0; c < columns && written < count; ++c) {
            const std::uint64_t blockId = static_cast<std::uint64_t>(r) * columns + c;
            const Block block(blockId, originX + colX[c], originY + y, colW[c], height);
            for (int k = 0; k < block.parcels() && written < count; ++k) {
                block.parcel(k, rings);
                std::snprintf(id, sizeof id, "420115%03d%03dGB%05d",
                              static_cast<int>(blockId / 1000 % 1000),
                              static_cast<int>(blockId % 1000),
                              static_cast<int>(blockId / 1000000 * 100 + k + 1));
                if (plan) {
                    // The zone of the parcel's middle (the mean of its corners).
                    const int cols = block.parcels() / block.rows();
                    const int i = k / cols, j = k % cols;
                    const double mid = (block.node(i, j).x + block.node(i, j + 1).x +
                                        block.node(i + 1, j).x + block.node(i + 1, j + 1).x) /
                                       4;
                    const int z = rowPlan.west[c] == rowPlan.east[c] || mid < rowPlan.splitX[c]
                                      ? rowPlan.west[c]
                                      : rowPlan.east[c];
                    use = parcelCodeIn(zones[static_cast<std::size_t>(z)].code, blockId, k);
                    out.add(rings, id, use.c_str());
                } else {
                    out.add(rings, id, block.landUse(k));
                }
                ++written;
            }
        }
        y += height + uniform(hash(kRowStreet, r), 20, 40);
    }
    out.finish();
    if (plan) {
        Writer zoneOut(argv[4], "zone_id");
        std::vector<std::vector<Pt>> ring(1);
        for (std::size_t z = 0; z < zones.size(); ++z) {
            const Zone& zone = zones[z];
            ring[0] = {{zone.x0, zone.y0},
                       {zone.x0, zone.y1},
                       {zone.x1, zone.y1},
                       {zone.x1, zone.y0},
                       {zone.x0, zone.y0}};
            if (signedArea(ring[0]) > 0)
                std::reverse(ring[0].begin(), ring[0].end());
            std::snprintf(id, sizeof id, "KG%09zu", z + 1);
            zoneOut.add(ring, id, zone.code.c_str());
        }
        zoneOut.finish();
        std::printf("%d plan zones -> %s.shp\n", zoneOut.records(), argv[4]);
    }
    std::printf("%d parcels, %lld vertices (%.2f per parcel) -> %s.shp\n", out.records(),
                static_cast<long long>(out.vertices()),
                static_cast<double>(out.vertices()) / out.records(), base.c_str());
    return 0;
}
