#pragma once

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace parkatlas::test {

/// Writes `path` as an .xlsx of one sheet `sheet` whose columns `headers` are text, one row per
/// entry of `rows` (as a person types numbers into a workbook: "41000.5"). Fails the test (a
/// fatal assertion of the caller's) when GDAL cannot write it.
inline void writeTextWorkbook(const std::string& path, const char* sheet,
                              const std::vector<const char*>& headers,
                              const std::vector<std::vector<const char*>>& rows)
{
    GDALAllRegister();
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("XLSX");
    ASSERT_NE(driver, nullptr);
    GDALDatasetUniquePtr book(driver->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    ASSERT_TRUE(book);
    OGRLayer* layer = book->CreateLayer(sheet, nullptr, wkbNone, nullptr);
    ASSERT_NE(layer, nullptr);
    for (const char* header : headers) {
        OGRFieldDefn field(header, OFTString);
        ASSERT_EQ(layer->CreateField(&field), OGRERR_NONE);
    }
    for (const auto& row : rows) {
        OGRFeatureUniquePtr feature(OGRFeature::CreateFeature(layer->GetLayerDefn()));
        for (std::size_t i = 0; i < row.size(); ++i)
            feature->SetField(static_cast<int>(i), row[i]);
        ASSERT_EQ(layer->CreateFeature(feature.get()), OGRERR_NONE);
    }
}

} // namespace parkatlas::test
