// shp_flat: what `parkatlas area` could cost on a shapefile, as a prototype: the .shp read
// into the product's flat layout (one array of x,y doubles, ring and feature offsets, an
// envelope per feature) and the ellipsoidal area of every feature as planar area / k² at its
// centroid (Gauss-Krüger, CGCS2000, CM 114°E hard-wired: the benchmark's EPSG:4547), with no
// GDAL, no PROJ and no copy the data does not need:
//   - one pass over the record headers sizes every array exactly (no growth, no merge, no
//     shrink);
//   - the arrays are allocated uninitialised and filled by two threads, each its own range of
//     records, straight into their final place;
//   - the measure runs on the same two threads.
// Not the product: no issues, no attributes, no other CRS. It says how far the product's read
// and measure are from what this machine allows with the same memory layout.
//
//   shp_flat FILE.shp [THREADS [huge]]      huge: the arrays on transparent huge pages
//
// Prints JSON: counts, the ellipsoidal and planar totals (m²), seconds per step, memory.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

using Clock = std::chrono::steady_clock;

std::int32_t be32(const unsigned char* p)
{
    return static_cast<std::int32_t>((std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) |
                                     (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]});
}
std::int32_t le32(const unsigned char* p)
{
    std::int32_t v;
    std::memcpy(&v, p, 4);
    return v;
}

[[noreturn]] void fail(const char* what)
{
    std::fprintf(stderr, "shp_flat: %s\n", what);
    std::exit(2);
}

// CGCS2000 ellipsoid, Gauss-Krüger CM 114°E, k0 = 1, false easting 500 km.
constexpr double kA = 6378137.0;
constexpr double kF = 1 / 298.257222101;
constexpr double kE2 = kF * (2 - kF);
constexpr double kFalseEasting = 500000.0;

/// 1 / k² at (easting, northing): footpoint latitude from the meridian arc (series in n), then
/// the Transverse Mercator scale k = 1 + x²/(2 R²) + x⁴/(24 R⁴), R² = M N at the footpoint.
struct InverseScale {
    double n, aHat, b2, b4, b6;
    InverseScale()
    {
        n = kF / (2 - kF);
        const double n2 = n * n;
        aHat = kA / (1 + n) * (1 + n2 / 4 + n2 * n2 / 64);
        b2 = 3 * n / 2 - 27 * n * n2 / 32;
        b4 = 21 * n2 / 16 - 55 * n2 * n2 / 32;
        b6 = 151 * n * n2 / 96;
    }
    double operator()(double easting, double northing) const
    {
        const double mu = northing / aHat;
        const double phi =
            mu + b2 * std::sin(2 * mu) + b4 * std::sin(4 * mu) + b6 * std::sin(6 * mu);
        const double s = std::sin(phi);
        const double w2 = 1 - kE2 * s * s;
        const double r2 = kA * kA * (1 - kE2) / (w2 * w2); // M N
        const double q = (easting - kFalseEasting) * (easting - kFalseEasting) / r2;
        const double k = 1 + q / 2 + q * q / 24;
        return 1 / (k * k);
    }
};

/// An uninitialised array of n T from anonymous memory; with `huge`, asks for transparent huge
/// pages (MADV_HUGEPAGE: 2 MB pages, 512× fewer page faults on first touch).
template <typename T> T* bigArray(std::size_t n, bool huge)
{
    const std::size_t bytes = std::max<std::size_t>(n * sizeof(T), 1);
    void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        fail("out of memory");
    if (huge)
        ::madvise(p, bytes, MADV_HUGEPAGE);
    return static_cast<T*>(p);
}

double maxRssMb()
{
    struct rusage usage {};
    ::getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 2 || argc > 4) {
        std::fprintf(stderr, "usage: shp_flat FILE.shp [THREADS [huge]]\n");
        return 2;
    }
    const unsigned threads = argc >= 3 ? static_cast<unsigned>(std::max(1, std::atoi(argv[2])))
                                       : std::max(1u, std::thread::hardware_concurrency());
    const bool huge = argc == 4 && std::strcmp(argv[3], "huge") == 0;
    const auto t0 = Clock::now();
    const int fd = ::open(argv[1], O_RDONLY);
    if (fd < 0)
        fail("cannot open the .shp");
    struct stat st {};
    ::fstat(fd, &st);
    const std::size_t size = static_cast<std::size_t>(st.st_size);
    void* mapped = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (mapped == MAP_FAILED)
        fail("cannot map the .shp");
    const auto* shp = static_cast<const unsigned char*>(mapped);
    if (size < 100 || be32(shp) != 9994)
        fail("not a shapefile");

    // 1. Record headers: offsets and exact counts.
    struct Record {
        std::size_t offset; // of the content
        std::uint32_t firstRing, firstVertex;
    };
    std::vector<Record> records;
    records.reserve(size / 200);
    std::uint32_t rings = 0, vertices = 0;
    for (std::size_t pos = 100; pos + 8 <= size;) {
        const std::size_t content = static_cast<std::size_t>(be32(shp + pos + 4)) * 2;
        const unsigned char* rec = shp + pos + 8;
        if (pos + 8 + content > size)
            fail("truncated record");
        records.push_back({pos + 8, rings, vertices});
        if (content >= 44 && le32(rec) == 5) {
            rings += static_cast<std::uint32_t>(le32(rec + 36));
            vertices += static_cast<std::uint32_t>(le32(rec + 40));
        }
        pos += 8 + content;
    }
    const std::size_t features = records.size();
    const auto t1 = Clock::now();

    // 2. Exact, uninitialised arrays, filled in place by `threads` workers.
    // (Never freed: the process ends right after, as a command line tool does.)
    double* const xy = bigArray<double>(2 * std::size_t{vertices}, huge);
    std::uint32_t* const ringStart = bigArray<std::uint32_t>(rings + 1, huge);
    std::uint32_t* const featureRing = bigArray<std::uint32_t>(features + 1, huge);
    double* const envelope = bigArray<double>(4 * features, huge);
    ringStart[rings] = vertices;
    featureRing[features] = rings;
    std::vector<double> area(threads, 0.0), planar(threads, 0.0);
    std::vector<double> readSeconds(threads, 0.0);
    const InverseScale inverseScale;

    auto work = [&](unsigned t) {
        const auto start = Clock::now();
        const std::size_t begin = features * t / threads, end = features * (t + 1) / threads;
        for (std::size_t f = begin; f < end; ++f) {
            const Record& r = records[f];
            const unsigned char* rec = shp + r.offset;
            featureRing[f] = r.firstRing;
            if (le32(rec) != 5) {
                std::fill(envelope + 4 * f, envelope + 4 * f + 4, 0.0);
                continue;
            }
            std::memcpy(envelope + 4 * f, rec + 4, 32);
            const std::int32_t parts = le32(rec + 36), points = le32(rec + 40);
            for (std::int32_t p = 0; p < parts; ++p)
                ringStart[r.firstRing + p] =
                    r.firstVertex + static_cast<std::uint32_t>(le32(rec + 44 + 4 * p));
            std::memcpy(xy + 2 * std::size_t{r.firstVertex}, rec + 44 + 4 * parts,
                        16 * static_cast<std::size_t>(points));
        }
        const auto mid = Clock::now();
        readSeconds[t] = std::chrono::duration<double>(mid - start).count();
        // Measure: per feature, shoelace relative to the first vertex, / k² at the envelope's
        // centre (what a plot-sized polygon needs; DESIGN.md "Units and area").
        double sum = 0, planarSum = 0;
        for (std::size_t f = begin; f < end; ++f) {
            double a = 0;
            for (std::uint32_t ring = featureRing[f]; ring < featureRing[f + 1]; ++ring) {
                const double* p = xy + 2 * std::size_t{ringStart[ring]};
                const std::uint32_t n = ringStart[ring + 1] - ringStart[ring];
                if (n < 3)
                    continue;
                const double ox = p[0], oy = p[1];
                double s = 0, px = 0, py = 0;
                for (std::uint32_t v = 1; v < n; ++v) {
                    const double x = p[2 * v] - ox, y = p[2 * v + 1] - oy;
                    s += px * y - x * py;
                    px = x;
                    py = y;
                }
                a -= s / 2; // shapefile: outer rings clockwise
            }
            const double* e = envelope + 4 * f;
            planarSum += a;
            sum += a * inverseScale((e[0] + e[2]) / 2, (e[1] + e[3]) / 2);
        }
        area[t] = sum;
        planar[t] = planarSum;
    };
    const auto t2 = Clock::now();
    if (threads == 1) {
        work(0);
    } else {
        std::vector<std::thread> pool;
        for (unsigned t = 0; t < threads; ++t)
            pool.emplace_back(work, t);
        for (auto& thread : pool)
            thread.join();
    }
    double total = 0, planarTotal = 0;
    for (unsigned t = 0; t < threads; ++t) {
        total += area[t];
        planarTotal += planar[t];
    }
    const auto t3 = Clock::now();
    const double memoryMb =
        (16.0 * vertices + 4.0 * (rings + 1) + 4.0 * (features + 1) + 32.0 * features) / 1048576.0;
    std::printf(
        "{\"features\": %zu, \"rings\": %u, \"vertices\": %u, \"threads\": %u, \"huge_pages\": %s, "
        "\"area_m2\": %.6f, \"planar_area_m2\": %.6f, \"seconds\": {\"map_and_scan\": %.4f, "
        "\"fill\": %.4f, \"fill_and_measure\": %.4f, \"total\": %.4f}, "
        "\"layout_mb\": %.1f, \"peak_rss_mb\": %.1f}\n",
        features, rings, vertices, threads, huge ? "true" : "false", total, planarTotal,
        std::chrono::duration<double>(t1 - t0).count(),
        *std::max_element(readSeconds.begin(), readSeconds.end()),
        std::chrono::duration<double>(t3 - t2).count(),
        std::chrono::duration<double>(t3 - t0).count(), memoryMb, maxRssMb());
    std::fflush(stdout);
    // Like a command line tool that is done: no teardown of the arrays (the kernel frees them).
    std::_Exit(0);
}
