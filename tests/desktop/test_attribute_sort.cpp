// The attribute table's sort (typed keys sorted on both cores) against a plain reference: a
// stable sort of every row by the column's value, unknown values last, on real shapefiles.
#include "app/desktop/attribute_table_model.h"
#include "geo/io/source.h"
#include "geo/issue.h"
#include "geo/measure/area.h"
#include "geo/units.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

using namespace parkatlas;
using namespace parkatlas::desktop;

namespace {

std::shared_ptr<const geo::Layer> readShapefile(const std::string& path)
{
    geo::IssueList issues;
    return std::make_shared<const geo::Layer>(geo::readLayer({path, ""}, geo::ReadOptions{}, issues));
}

/// The order a user expects: rows by the column's value (typed: whole numbers, reals, dates,
/// text byte by byte), ties in layer order, unknown values last either way.
std::vector<std::uint32_t> referenceOrder(const geo::Layer& layer, int column, Qt::SortOrder order)
{
    const geo::AttributeTable& attributes = layer.attributes;
    const int fieldCount = static_cast<int>(attributes.fields().size());
    const bool descending = order == Qt::DescendingOrder;
    std::vector<std::uint32_t> known;
    std::vector<std::uint32_t> unknown;
    std::vector<double> areas;
    if (column == fieldCount + 1) {
        geo::AreaCalculator calculator(layer.crs);
        for (std::size_t i = 0; i < layer.featureCount(); ++i) {
            double mu = -1;
            try {
                mu = geo::muFromM2(calculator.areaM2(layer.geometry, i, layer.fids[i]));
            } catch (const std::exception&) {
            }
            areas.push_back(mu);
        }
    }
    for (std::uint32_t row = 0; row < layer.featureCount(); ++row) {
        bool isKnown = true;
        if (column > 0 && column <= fieldCount)
            isKnown = !attributes.isUnknown(row, column - 1);
        if (column == fieldCount + 1)
            isKnown = areas[row] >= 0;
        (isKnown ? known : unknown).push_back(row);
    }
    const auto byValue = [&](auto value) {
        std::stable_sort(known.begin(), known.end(), [&](std::uint32_t a, std::uint32_t b) {
            return descending ? value(b) < value(a) : value(a) < value(b);
        });
    };
    if (column == 0) {
        byValue([&](std::uint32_t row) { return layer.fids[row]; });
    } else if (column == fieldCount + 1) {
        byValue([&](std::uint32_t row) { return areas[row]; });
    } else {
        const int field = column - 1;
        switch (attributes.fields()[field].type) {
        case geo::FieldType::Integer:
            byValue([&](std::uint32_t row) { return *attributes.integer(row, field); });
            break;
        case geo::FieldType::Real:
            byValue([&](std::uint32_t row) { return *attributes.number(row, field); });
            break;
        case geo::FieldType::Date:
            byValue([&](std::uint32_t row) { return attributes.date(row, field)->daysSinceEpoch; });
            break;
        case geo::FieldType::String:
            byValue([&](std::uint32_t row) { return attributes.text(row, field); });
            break;
        }
    }
    known.insert(known.end(), unknown.begin(), unknown.end());
    return known;
}

} // namespace

class AttributeSortTest : public QObject {
    Q_OBJECT
private slots:
    void sortsEveryColumnOfRealShapefilesAsTheReferenceDoes();
    void sortsTheFilteredRowsOnly();
};

void AttributeSortTest::sortsEveryColumnOfRealShapefilesAsTheReferenceDoes()
{
    const std::vector<std::string> paths = {
        PARKATLAS_REALDATA "/parcels/rockbridge-zoning/rockbridge/Rockbridge_Zoning20230126.shp",
        PARKATLAS_SAMPLE_DIR "/shp/parcels.shp"};
    int checked = 0;
    for (const std::string& path : paths) {
        if (!std::filesystem::exists(path))
            continue;
        const auto layer = readShapefile(path);
        QVERIFY2(layer->featureCount() > 20, path.c_str());
        const int columns = 1 + static_cast<int>(layer->attributes.fields().size()) +
                            (hasMuColumn(*layer) ? 1 : 0);
        for (int column = 0; column < columns; ++column)
            for (const Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
                const RowOrder sorted = computeRowOrder(*layer, column, order, {}, {});
                const std::vector<std::uint32_t> expected = referenceOrder(*layer, column, order);
                QVERIFY2(sorted.features == expected,
                         qPrintable(QStringLiteral("%1, column %2, %3")
                                        .arg(QString::fromStdString(path))
                                        .arg(column)
                                        .arg(order == Qt::AscendingOrder ? "up" : "down")));
                // And the inverse: the row of each feature.
                for (std::size_t row = 0; row < sorted.features.size(); ++row)
                    QCOMPARE(sorted.rowOfFeature[sorted.features[row]], static_cast<int>(row));
                ++checked;
            }
    }
    if (checked == 0)
        QSKIP("neither the real shapefile nor the sample park is here");
}

void AttributeSortTest::sortsTheFilteredRowsOnly()
{
    const std::string path = PARKATLAS_SAMPLE_DIR "/shp/parcels.shp";
    if (!std::filesystem::exists(path))
        QSKIP("sample park not generated");
    const auto layer = readShapefile(path);
    // A filter on the fid's digits: the rows whose fid holds a "1".
    const RowOrder sorted = computeRowOrder(*layer, 0, Qt::DescendingOrder, "1", {});
    std::vector<std::uint32_t> expected;
    for (std::uint32_t row = 0; row < layer->featureCount(); ++row) {
        bool match = std::to_string(layer->fids[row]).find('1') != std::string::npos;
        for (int field = 0; !match && field < static_cast<int>(layer->attributes.fields().size());
             ++field)
            match = layer->attributes.text(row, field).find('1') != std::string::npos;
        if (match)
            expected.push_back(row);
    }
    std::stable_sort(expected.begin(), expected.end(), [&](std::uint32_t a, std::uint32_t b) {
        return layer->fids[a] > layer->fids[b];
    });
    QVERIFY(!expected.empty());
    QVERIFY(sorted.features == expected);
}

QTEST_MAIN(AttributeSortTest)
#include "test_attribute_sort.moc"
