#include "geo/model/geometry_store.h"
#include "geo/model/layer.h"

#include <gtest/gtest.h>

#include <cstring>
#include <limits>
#include <vector>

using namespace parkatlas::geo;

namespace {

/// Little-endian ISO WKB writer for the tests.
struct Wkb {
    std::vector<unsigned char> bytes;
    void byte(unsigned char b) { bytes.push_back(b); }
    void u32(std::uint32_t v)
    {
        for (int i = 0; i < 4; ++i)
            bytes.push_back(static_cast<unsigned char>(v >> (8 * i)));
    }
    void f64(double v)
    {
        unsigned char b[8];
        std::memcpy(b, &v, 8);
        bytes.insert(bytes.end(), b, b + 8);
    }
    void header(std::uint32_t type)
    {
        byte(1);
        u32(type);
    }
};

void square(Wkb& w, double x0, double y0, double size, int dims = 2)
{
    w.u32(5);
    const double xs[5] = {x0, x0 + size, x0 + size, x0, x0};
    const double ys[5] = {y0, y0, y0 + size, y0 + size, y0};
    for (int i = 0; i < 5; ++i) {
        w.f64(xs[i]);
        w.f64(ys[i]);
        for (int d = 2; d < dims; ++d)
            w.f64(7.0);
    }
}

} // namespace

TEST(GeometryStoreTest, PolygonWithHoleKeepsRingsInOrder)
{
    Wkb w;
    w.header(3);
    w.u32(2);
    square(w, 0, 0, 100);
    square(w, 40, 40, 20);
    GeometryStore store(GeometryKind::Polygon);
    ASSERT_TRUE(store.appendWkb(w.bytes.data(), w.bytes.size()));
    ASSERT_EQ(store.featureCount(), 1u);
    ASSERT_EQ(store.partCount(0), 1u);
    ASSERT_EQ(store.ringCount(0, 0), 2u);
    EXPECT_EQ(store.ring(0, 0, 0).vertexCount(), 5u);
    EXPECT_DOUBLE_EQ(store.ring(0, 0, 1).x(0), 40.0);
    EXPECT_DOUBLE_EQ(store.envelope(0).maxX, 100.0);
}

TEST(GeometryStoreTest, MultiPolygonZmIsFlattenedTo2d)
{
    Wkb w;
    w.header(3006); // MultiPolygon ZM (ISO)
    w.u32(2);
    for (double x0 : {0.0, 500.0}) {
        w.header(3003);
        w.u32(1);
        square(w, x0, 0, 10, 4);
    }
    GeometryStore store(GeometryKind::Polygon);
    ASSERT_TRUE(store.appendWkb(w.bytes.data(), w.bytes.size()));
    EXPECT_EQ(store.partCount(0), 2u);
    EXPECT_DOUBLE_EQ(store.ring(0, 1, 0).x(1), 510.0);
    EXPECT_EQ(store.totalVertexCount(), 10u);
}

TEST(GeometryStoreTest, TruncatedWkbIsRefusedAndLeavesAnEmptyFeature)
{
    Wkb w;
    w.header(3);
    w.u32(1);
    w.u32(1000000); // claims a million points, has none
    GeometryStore store(GeometryKind::Polygon);
    const char* problem = nullptr;
    EXPECT_FALSE(store.appendWkb(w.bytes.data(), w.bytes.size(), &problem));
    ASSERT_NE(problem, nullptr);
    EXPECT_EQ(store.featureCount(), 1u);
    EXPECT_TRUE(store.isEmpty(0));
    EXPECT_EQ(store.totalVertexCount(), 0u);
}

TEST(GeometryStoreTest, WrongKindIsRefused)
{
    Wkb w;
    w.header(1);
    w.f64(1);
    w.f64(2);
    GeometryStore store(GeometryKind::Polygon);
    EXPECT_FALSE(store.appendWkb(w.bytes.data(), w.bytes.size()));
}

TEST(GeometryStoreTest, PopFeatureRestoresThePreviousState)
{
    GeometryStore store(GeometryKind::Line);
    store.beginFeature();
    store.beginPart();
    store.beginRing();
    store.addVertex(0, 0);
    store.addVertex(1, 1);
    store.endFeature();
    store.beginFeature();
    store.beginPart();
    store.beginRing();
    store.addVertex(5, 5);
    store.addVertex(6, 6);
    store.endFeature();
    store.popFeature();
    EXPECT_EQ(store.featureCount(), 1u);
    EXPECT_EQ(store.totalVertexCount(), 2u);
    EXPECT_EQ(store.totalRingCount(), 1u);
    EXPECT_DOUBLE_EQ(store.extent().maxX, 1.0);
}

TEST(GeometryStoreTest, AboutSixteenBytesAVertex)
{
    GeometryStore store(GeometryKind::Polygon);
    for (int f = 0; f < 1000; ++f) {
        store.beginFeature();
        store.beginPart();
        store.beginRing();
        for (int v = 0; v < 12; ++v)
            store.addVertex(f + v, v);
    }
    store.endFeature();
    store.shrinkToFit();
    const double bytesPerVertex =
        static_cast<double>(store.memoryBytes()) / static_cast<double>(store.totalVertexCount());
    EXPECT_LT(bytesPerVertex, 16.0 + 8.0); // 16 for x,y plus offsets and envelopes
}

TEST(DateTest, IsoAndSurveySpellingsParse)
{
    EXPECT_EQ(Date::parse("2024-02-29")->toIso(), "2024-02-29");
    EXPECT_EQ(Date::parse("2021/3/4")->toIso(), "2021-03-04");
    EXPECT_EQ(Date::parse("20210304")->toIso(), "2021-03-04");
    EXPECT_EQ(Date::parse("2021-03-04T00:00:00")->toIso(), "2021-03-04");
    EXPECT_FALSE(Date::parse("2023-02-29"));
    EXPECT_FALSE(Date::parse("xx"));
    EXPECT_FALSE(Date::parse(""));
}

TEST(AttributeTableTest, MaskedValuesAreUnknownNeverZero)
{
    AttributeTable table;
    table.setFields({{"tax", FieldType::String},
                     {"invest_tot", FieldType::Real},
                     {"supply_dt", FieldType::Date}});
    const char* texts[] = {"12.5", "xx", "**", "", "　", "不详", "1,200"};
    for (const char* text : texts) {
        table.setText(0, text);
        table.setUnknown(1);
        table.commitRow();
    }
    EXPECT_EQ(table.number(0, 0), 12.5);
    for (std::size_t row = 1; row <= 5; ++row) {
        EXPECT_TRUE(table.isUnknown(row, 0)) << texts[row];
        EXPECT_FALSE(table.number(row, 0)) << texts[row];
    }
    EXPECT_EQ(table.number(6, 0), 1200.0);
    EXPECT_FALSE(table.number(0, 1));
    EXPECT_TRUE(table.isUnknown(0, 2)); // never set: unknown
    EXPECT_EQ(table.text(1, 0), "xx");  // shown as written
    EXPECT_EQ(table.fieldIndex("INVEST_TOT"), 1);
}
