#include "geo/io/encoding.h"

#include <gtest/gtest.h>

using namespace parkatlas::geo;

TEST(EncodingTest, GbkTextIsDetectedAsCp936)
{
    // "志远县" in GBK.
    const std::string gbk = "\xD6\xBE\xD4\xB6\xCF\xD8";
    const EncodingChoice choice = detectEncoding(gbk);
    EXPECT_EQ(choice.name, "CP936");
    EXPECT_EQ(toUtf8(gbk, choice.name), "志远县");
}
