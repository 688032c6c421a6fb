#include "geo/ascii.h"
#include "geo/io/dbf.h"
#include "geo/io/encoding.h"

#include <gtest/gtest.h>

#include <string>

using namespace parkatlas::geo;

namespace {
const std::string kRealdata = PARKATLAS_REALDATA;
}

TEST(EncodingTest, GbkTextIsDetectedAsCp936)
{
    const std::string gbk = "\xD6\xBE\xD4\xB6\xCF\xD8"; // 志远县
    const EncodingChoice choice = detectEncoding(gbk);
    EXPECT_EQ(choice.name, "CP936");
    EXPECT_EQ(choice.origin, EncodingChoice::Origin::Detected);
    EXPECT_EQ(toUtf8(gbk, choice.name), "志远县");
}

TEST(EncodingTest, Big5TextIsNotMistakenForGbk)
{
    const std::string big5 = "\xC1\x63\xC5\xE9\xB0\xEA\xBB\x79"; // 繁體國語
    const EncodingChoice choice = detectEncoding(big5);
    EXPECT_EQ(choice.name, "CP950");
    EXPECT_EQ(toUtf8(big5, choice.name), "繁體國語");
}

TEST(EncodingTest, ValidUtf8StaysUtf8)
{
    EXPECT_EQ(detectEncoding("武汉华鑫精密机械有限公司").name, "UTF-8");
    EXPECT_EQ(detectEncoding("plain ascii").origin, EncodingChoice::Origin::AsciiOnly);
}

TEST(EncodingTest, LatinTextIsNotTakenForChinese)
{
    // "Ñandú São Paulo" in Latin-1: lone high bytes between ASCII letters.
    EXPECT_EQ(detectEncoding("\xD1"
                             "and\xFA S\xE3o Paulo, Bras\xEDlia")
                  .name,
              "CP1252");
}

TEST(EncodingTest, CpgSpellingsAreNormalised)
{
    EXPECT_EQ(encodingFromCpg("UTF-8\r\n"), "UTF-8");
    EXPECT_EQ(encodingFromCpg("\xEF\xBB\xBFutf8"), "UTF-8");
    EXPECT_EQ(encodingFromCpg("936"), "CP936");
    EXPECT_EQ(encodingFromCpg("GBK"), "CP936");
    EXPECT_EQ(encodingFromCpg("ANSI 1250"), "CP1250");
    EXPECT_EQ(encodingFromCpg("Big-5"), "CP950");
    EXPECT_EQ(encodingFromCpg("shiftjis"), "CP932");
    EXPECT_EQ(encodingFromCpg("1251"), "CP1251");
    EXPECT_EQ(encodingFromCpg("<!DOCTYPE html><html lang=\"en\">"), std::nullopt);
    EXPECT_EQ(encodingFromCpg(""), std::nullopt);
}

TEST(EncodingTest, LanguageDriverIdsOfChineseCodePages)
{
    EXPECT_EQ(encodingFromLdid(0x4D), "CP936");
    EXPECT_EQ(encodingFromLdid(0x7A), "CP936");
    EXPECT_EQ(encodingFromLdid(0x00), std::nullopt);
}

TEST(EncodingTest, SanitizeReplacesOnlyBrokenBytes)
{
    EXPECT_EQ(sanitizeUtf8("园区\xFF"
                           "A"),
              "园区\xEF\xBF\xBD"
              "A");
    EXPECT_TRUE(isValidUtf8(sanitizeUtf8("\xD6\xBE\xD4")));
}

TEST(EncodingTest, UndeclaredGbkDbfIsDetected)
{
    // townshp.dbf: GBK, LDID 0, no .cpg (汤国安's classic exercise data).
    const EncodingChoice choice =
        chooseDbfEncoding(kRealdata + "/china/arcgis-engine-practice/townshp.dbf");
    EXPECT_EQ(choice.name, "CP936");
    EXPECT_EQ(choice.origin, EncodingChoice::Origin::Detected);
    EXPECT_NE(choice.reason.find("no .cpg"), std::string::npos) << choice.reason;
}

TEST(EncodingTest, Utf8DbfWithoutDeclarationIsUtf8)
{
    const EncodingChoice choice =
        chooseDbfEncoding(kRealdata + "/china/dongli-china-shapefiles/china.dbf");
    EXPECT_EQ(choice.name, "UTF-8");
}

TEST(EncodingTest, LdidIsHonouredWhenTheBytesAgree)
{
    const EncodingChoice choice = chooseDbfEncoding(
        kRealdata + "/peer-shapefiles/gdal-autotest-2021/autotest/ogr/data/shp/chinese.dbf");
    EXPECT_EQ(choice.name, "CP936");
    EXPECT_EQ(choice.origin, EncodingChoice::Origin::Ldid);
}

TEST(EncodingTest, UserEncodingOverridesEverything)
{
    const EncodingChoice choice =
        chooseDbfEncoding(kRealdata + "/china/arcgis-engine-practice/townshp.dbf", "GB18030");
    EXPECT_EQ(choice.name, "GB18030");
    EXPECT_EQ(choice.origin, EncodingChoice::Origin::User);
}

TEST(DbfTest, HeaderOfARealDbf)
{
    const DbfHeader header = readDbfHeader(kRealdata + "/china/arcgis-engine-practice/townshp.dbf");
    EXPECT_EQ(header.recordCount, 73u);
    EXPECT_EQ(header.languageDriverId, 0);
    ASSERT_FALSE(header.fields.empty());
    EXPECT_EQ(header.fields.front().rawName, "AREA");
}

TEST(EncodingTest, MapshaperDbfsDecodeToTheirOwnScripts)
{
    const std::string dir = kRealdata + "/peer-shapefiles/mapshaper/test/data/dbf/";
    EXPECT_EQ(chooseDbfEncoding(dir + "gbk.dbf").name, "CP936");
    EXPECT_EQ(chooseDbfEncoding(dir + "gb2312.dbf").name, "CP936");
    EXPECT_EQ(chooseDbfEncoding(dir + "big5.dbf").name, "CP950");
    EXPECT_EQ(chooseDbfEncoding(dir + "utf8.dbf").name, "UTF-8");
    EXPECT_EQ(chooseDbfEncoding(dir + "latin1.dbf").name, "CP1252");
}

TEST(EncodingTest, JapaneseIsNotTakenForChinese)
{
    const std::string dir = kRealdata + "/peer-shapefiles/mapshaper/test/data/dbf/";
    const EncodingChoice sjis = chooseDbfEncoding(dir + "shiftjis.dbf");
    EXPECT_EQ(sjis.name, "CP932");
    const EncodingChoice eucjp = chooseDbfEncoding(dir + "eucjp.dbf");
    EXPECT_EQ(eucjp.name, "EUC-JP");
    EXPECT_EQ(toUtf8("\xA4\xD2\xA4\xBF\xA4\xC1\xA4\xCA\xA4\xAB\xBB\xD4", eucjp.name),
              "ひたちなか市");
}

TEST(EncodingTest, SingleByteTextIsAnUncertainGuessNotGbk)
{
    // Greek in CP1253 pairs up like GB2312 hanzi; only the odd-length runs give it away.
    const EncodingChoice greek =
        chooseDbfEncoding(kRealdata + "/peer-shapefiles/mapshaper/test/data/dbf/periphereies.dbf");
    EXPECT_NE(greek.name, "CP936");
    EXPECT_TRUE(greek.uncertain);
    EXPECT_NE(greek.reason.find("--encoding"), std::string::npos);
}

TEST(EncodingTest, Gb18030FourByteTextIsNotMistakenForSingleByte)
{
    // "𠀀" (U+20000) is four bytes in GB18030; mixed with ordinary GBK hanzi.
    const std::string text = std::string("\x95\x32\x82\x36") + "\xD6\xD0\xB9\xFA";
    const EncodingChoice choice = detectEncoding(text);
    EXPECT_EQ(choice.name, "GB18030");
    EXPECT_FALSE(choice.uncertain);
}

TEST(EncodingTest, UnknownEncodingNamesAreRefused)
{
    EXPECT_TRUE(isKnownEncoding("GBK"));
    EXPECT_TRUE(isKnownEncoding("CP936"));
    EXPECT_TRUE(isKnownEncoding("GB18030"));
    EXPECT_FALSE(isKnownEncoding("NOPE"));
}

TEST(EncodingTest, LowerAsciiLowersOnlyTheAsciiLettersWhateverTheLocale)
{
    EXPECT_EQ(lowerAscii("Parcels.SHP"), "parcels.shp");
    EXPECT_EQ(lowerAscii("ZDDM_宗地代码"), "zddm_宗地代码");
    // GBK bytes (志远) and a Latin-1 capital (Ä) are bytes of other encodings, never letters.
    const std::string gbk = "\xD6\xBE\xD4\xB6";
    EXPECT_EQ(lowerAscii(gbk + "AB"), gbk + "ab");
    EXPECT_EQ(lowerAscii("\xC4"), "\xC4");
    EXPECT_EQ(lowerAscii(""), "");
}
