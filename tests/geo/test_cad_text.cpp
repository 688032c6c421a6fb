// Drawing text: code pages, MIF escapes, MTEXT formatting, and the labels inside plots.

#include "geo/io/cad_label.h"
#include "geo/io/cad_layer_table.h"
#include "geo/io/cad_text.h"

#include <cpl_string.h>
#include <gtest/gtest.h>

using namespace parkatlas::geo;

namespace {

std::string gbk(const std::string& utf8)
{
    char* recoded = CPLRecode(utf8.c_str(), CPL_ENC_UTF8, "CP936");
    std::string out = recoded;
    CPLFree(recoded);
    return out;
}

std::string header(const std::string& version, const std::string& codePage, const std::string& body)
{
    return "0\nSECTION\n2\nHEADER\n9\n$ACADVER\n1\n" + version + "\n9\n$DWGCODEPAGE\n3\n" +
           codePage + "\n0\nENDSEC\n0\nSECTION\n2\nENTITIES\n0\nTEXT\n8\n" + body +
           "\n1\n" + body + "\n0\nENDSEC\n0\nEOF\n";
}

} // namespace

TEST(CadTextTest, HeaderGivesVersionAndCodePage)
{
    const DxfHeader h = parseDxfHeader(header("AC1015", "ANSI_936", gbk("控规地块")));
    EXPECT_EQ(h.acadVersion, "AC1015");
    EXPECT_EQ(h.codePage, "ANSI_936");
    EXPECT_FALSE(h.highByteText.empty());
    EXPECT_EQ(autocadRelease("AC1015"), "R2000");
    EXPECT_EQ(autocadRelease("AC1027"), "R2013");
    EXPECT_FALSE(isUtf8DxfVersion("AC1018"));
    EXPECT_TRUE(isUtf8DxfVersion("AC1021"));
    EXPECT_TRUE(isUtf8DxfVersion("AC1032"));
    EXPECT_EQ(encodingFromDxfCodePage("ANSI_936"), "CP936");
    EXPECT_EQ(encodingFromDxfCodePage("ansi_1252"), "CP1252");
    EXPECT_EQ(encodingFromDxfCodePage("nonsense"), "");
}

TEST(CadTextTest, GbkDrawingLabelledAnsi936IsReadAsCp936)
{
    std::vector<std::string> warnings;
    const EncodingChoice choice =
        chooseDxfEncoding(parseDxfHeader(header("AC1015", "ANSI_936", gbk("控规地块 一类工业用地"))),
                          "", warnings);
    EXPECT_EQ(choice.name, "CP936");
    EXPECT_TRUE(warnings.empty());
}

TEST(CadTextTest, R2007DrawingIsUtf8WhateverItsCodePageSays)
{
    std::vector<std::string> warnings;
    const EncodingChoice choice = chooseDxfEncoding(
        parseDxfHeader(header("AC1021", "ANSI_936", "控规地块 一类工业用地")), "", warnings);
    EXPECT_EQ(choice.name, "UTF-8");
    EXPECT_NE(choice.reason.find("AC1021"), std::string::npos);
    EXPECT_TRUE(warnings.empty());
}

TEST(CadTextTest, LyingCodePagesAreCaughtAndSaid)
{
    std::vector<std::string> warnings;
    // A Western code page on GBK text.
    EncodingChoice choice = chooseDxfEncoding(
        parseDxfHeader(header("AC1015", "ANSI_1252", gbk("控规地块 一类工业用地 道路中心线 园区边界"))),
        "", warnings);
    EXPECT_EQ(choice.name, "CP936");
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].find("ANSI_1252"), std::string::npos);
    // ANSI_936 on UTF-8 text (an R2000 file written by a tool that ignores code pages).
    warnings.clear();
    choice = chooseDxfEncoding(parseDxfHeader(header("AC1015", "ANSI_936", "控规地块 一类工业用地")),
                               "", warnings);
    EXPECT_EQ(choice.name, "UTF-8");
    ASSERT_EQ(warnings.size(), 1u);
    // The user's word wins.
    warnings.clear();
    choice = chooseDxfEncoding(parseDxfHeader(header("AC1015", "ANSI_936", "控规")), "GB18030",
                               warnings);
    EXPECT_EQ(choice.name, "GB18030");
    EXPECT_EQ(choice.origin, EncodingChoice::Origin::User);
}

TEST(CadTextTest, MifEscapesDecodeToTheirCodePage)
{
    // \M+5A1DC is GBK A1 DC, "≤"; \M+5BFD8 \M+5B9E6 is "控规".
    EXPECT_EQ(decodeMifEscapes("容积率\\M+5A1DC2.0"), "容积率≤2.0");
    EXPECT_EQ(decodeMifEscapes("\\M+5BFD8\\M+5B9E6"), "控规");
    // Big5 (n = 2): A4 A4 is "中".
    EXPECT_EQ(decodeMifEscapes("\\M+2A4A4"), "中");
    // Broken escapes stay as they are.
    EXPECT_EQ(decodeMifEscapes("\\M+5ZZ"), "\\M+5ZZ");
    EXPECT_EQ(decodeMifEscapes("\\M+9A1DC"), "\\M+9A1DC");
}

TEST(CadTextTest, MtextFormattingIsRemoved)
{
    EXPECT_EQ(cleanCadText("{\\fSimSun|b0|i0;M1}\\P{\\H2.5x;容积率≤2.0}"), "M1\n容积率≤2.0");
    EXPECT_EQ(cleanCadText("\\A1;\\S2.0^40%;"), "2.0/40%");
    EXPECT_EQ(cleanCadText("A\\~B"), "A B");
}

namespace {

PlotLabel read(const std::string& text)
{
    const LandUseCodeTest isCode = standardLandUseCodeTest();
    return readPlotLabel(text, isCode);
}

} // namespace

TEST(CadLabelTest, CodesAndPlotNumbers)
{
    PlotLabel label = read("M1");
    ASSERT_EQ(label.landUseCodes.size(), 1u);
    EXPECT_EQ(label.landUseCodes[0], "M1");
    label = read("A-01");
    ASSERT_EQ(label.plotIds.size(), 1u);
    EXPECT_EQ(label.plotIds[0], "A-01");
    EXPECT_TRUE(label.landUseCodes.empty());
    for (const char* id : {"B0702-1", "02-03", "DK12", "A0200-1"}) {
        label = read(id);
        ASSERT_EQ(label.plotIds.size(), 1u) << id;
        EXPECT_TRUE(label.landUseCodes.empty()) << id;
    }
    label = read("B1/R2");
    ASSERT_EQ(label.landUseCodes.size(), 1u);
    EXPECT_EQ(label.landUseCodes[0], "B1/R2");
    label = read("用地性质：M2");
    ASSERT_EQ(label.landUseCodes.size(), 1u);
    EXPECT_EQ(label.landUseCodes[0], "M2");
    label = read("地块编号：A-07");
    ASSERT_EQ(label.plotIds.size(), 1u);
    EXPECT_EQ(label.plotIds[0], "A-07");
    label = read("M1 一类工业用地");
    ASSERT_EQ(label.landUseCodes.size(), 1u);
    EXPECT_TRUE(label.notUnderstood.empty());
}

TEST(CadLabelTest, IndicatorsTheUsualWays)
{
    PlotLabel label = read("容积率≤2.0");
    EXPECT_EQ(label.farMax, 2.0);
    EXPECT_FALSE(label.farMin);
    label = read("FAR 1.2-2.5");
    EXPECT_EQ(label.farMin, 1.2);
    EXPECT_EQ(label.farMax, 2.5);
    label = read("容积率：1.0～2.0");
    EXPECT_EQ(label.farMin, 1.0);
    EXPECT_EQ(label.farMax, 2.0);
    label = read("1.0≤容积率≤2.0");
    EXPECT_EQ(label.farMin, 1.0);
    EXPECT_EQ(label.farMax, 2.0);
    label = read("容积率≥1.0");
    EXPECT_EQ(label.farMin, 1.0);
    label = read("密度≥40%");
    EXPECT_DOUBLE_EQ(*label.coverMin, 0.40);
    label = read("建筑密度 ≤ 60 %");
    EXPECT_DOUBLE_EQ(*label.coverMax, 0.60);
    label = read("绿地率≤20%");
    EXPECT_DOUBLE_EQ(*label.greenMax, 0.20);
    label = read("绿地率≥35%");
    EXPECT_DOUBLE_EQ(*label.greenMin, 0.35);
    label = read("绿地率 15");
    EXPECT_DOUBLE_EQ(*label.greenMax, 0.15);
}

TEST(CadLabelTest, StackedLabelIsCodeFarDensityGreen)
{
    for (const char* text : {"M1 / 2.0 / 40% / 20%", "M1\n2.0\n40%\n20%", "M1 2.0 40% 20%"}) {
        const PlotLabel label = read(text);
        ASSERT_EQ(label.landUseCodes.size(), 1u) << text;
        EXPECT_EQ(label.landUseCodes[0], "M1");
        EXPECT_EQ(label.farMax, 2.0) << text;
        EXPECT_DOUBLE_EQ(*label.coverMin, 0.40) << text;
        EXPECT_DOUBLE_EQ(*label.greenMax, 0.20) << text;
        EXPECT_TRUE(label.notUnderstood.empty()) << text;
    }
    const PlotLabel range = read("M2/1.2-2.0/35%/15%");
    EXPECT_EQ(range.farMin, 1.2);
    EXPECT_EQ(range.farMax, 2.0);
}

TEST(CadLabelTest, WhatIsNotALabelIsSaidNotGuessed)
{
    PlotLabel label = read("临港大道");
    EXPECT_TRUE(label.landUseCodes.empty());
    EXPECT_TRUE(label.plotIds.empty());
    ASSERT_EQ(label.notUnderstood.size(), 1u);
    label = read("H≤24m");
    EXPECT_FALSE(label.farMax);
    EXPECT_FALSE(label.notUnderstood.empty());
    label = read("容积率≤2.0 容积率≤3.0");
    EXPECT_FALSE(label.conflicts.empty());
    label = read("FARM");
    EXPECT_FALSE(label.farMax);
}

TEST(CadLayerTableTest, EveryShippedPatternMapsItsOwnName)
{
    const CadLayerTable& table = CadLayerTable::standard();
    ASSERT_GT(table.patterns().size(), 50u);
    for (const CadLayerTable::Pattern& pattern : table.patterns()) {
        for (const std::string& name :
             {pattern.match, "0-" + pattern.match + "-1", "图层_" + pattern.match}) {
            const CadLayerTable::Pattern* found = table.match(name);
            ASSERT_NE(found, nullptr) << name;
            EXPECT_EQ(found->role, pattern.role) << name << " matched " << found->match;
            EXPECT_EQ(found->kind, pattern.kind) << name << " matched " << found->match;
        }
    }
}

TEST(CadLayerTableTest, TheNamesDesignInstitutesUse)
{
    const CadLayerTable& table = CadLayerTable::standard();
    const auto roleOf = [&](const std::string& name) -> std::string {
        const CadLayerTable::Pattern* p = table.match(name);
        if (!p)
            return "?";
        return p->role ? toString(*p->role) : "-";
    };
    EXPECT_EQ(roleOf("控规地块"), "plan_zones");
    EXPECT_EQ(roleOf("地块"), "plan_zones");
    EXPECT_EQ(roleOf("用地"), "plan_zones");
    EXPECT_EQ(roleOf("用地红线"), "parcels");
    EXPECT_EQ(roleOf("规划范围"), "boundary");
    EXPECT_EQ(table.match("规划范围")->kind, "规划范围");
    EXPECT_EQ(roleOf("核准范围"), "boundary");
    EXPECT_EQ(roleOf("园区边界"), "boundary");
    EXPECT_EQ(roleOf("道路红线"), "-");
    EXPECT_FALSE(table.match("道路红线")->why.empty());
    EXPECT_EQ(roleOf("道路中心线"), "roads");
    EXPECT_EQ(roleOf("征地范围"), "acquisition");
    EXPECT_EQ(roleOf("征收"), "acquisition");
    EXPECT_EQ(roleOf("基本农田"), "protected");
    EXPECT_EQ(table.match("基本农田")->kind, "永久基本农田");
    EXPECT_EQ(roleOf("生态红线"), "protected");
    EXPECT_EQ(roleOf("蓝线"), "protected");
    EXPECT_EQ(roleOf("高压走廊"), "protected");
    EXPECT_EQ(roleOf("给水管线"), "pipelines");
    EXPECT_EQ(table.match("给水管线")->kind, "给水");
    EXPECT_EQ(table.match("污水管")->kind, "污水");
    EXPECT_EQ(roleOf("污水处理厂"), "facilities");
    EXPECT_EQ(roleOf("KG"), "plan_zones");
    EXPECT_EQ(roleOf("kg-dk"), "plan_zones");
    EXPECT_EQ(roleOf("0-DK"), "plan_zones");
    EXPECT_EQ(roleOf("DLHX"), "-");
    EXPECT_EQ(roleOf("DLZXX"), "roads");
    EXPECT_EQ(roleOf("JBNT"), "protected");
    // Latin initials are whole words, never parts of one.
    EXPECT_EQ(roleOf("BACKGROUND"), "?");
    EXPECT_EQ(roleOf("DEFPOINTS"), "?");
    EXPECT_EQ(roleOf("0"), "?");
}
