// Messages in the user's language (issue 23): an issue's or an error's message is an id and its
// parts; the English is made from them exactly as before, and under Chinese the template of
// styles/messages.json is filled from the same parts, on real files.

#include "geo/crs/ballpark.h"
#include "geo/crs/crs.h"
#include "geo/error.h"
#include "geo/io/source.h"
#include "geo/issue.h"
#include "geo/model/issue_text.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <regex>
#include <string>
#include <vector>

using namespace parkatlas::geo;

namespace {

const std::string kRealdata = PARKATLAS_REALDATA;
const std::string kShp = kRealdata + "/peer-shapefiles/gdal-autotest-2021/autotest/ogr/data/shp/";
const std::string kSampleShp = PARKATLAS_SAMPLE_DIR "/shp/";

bool hasHan(const std::string& text)
{
    // Every CJK ideograph in UTF-8 starts with a byte of 0xE3..0xE9.
    return std::any_of(text.begin(), text.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return byte >= 0xE3 && byte <= 0xE9;
    });
}

/// English prose left in a Chinese message: two English words in a row. Names are taken out
/// first: files and layers (quoted), and the parts that name a CRS or its area of use.
std::string englishProse(std::string text, const std::vector<MessagePart>& parts = {})
{
    for (const MessagePart& part : parts)
        if (!part.value.empty() && std::regex_match(part.name, std::regex("(from|to)(_label|_datum)?|crs|own|given|area")))
            for (std::size_t at; (at = text.find(part.value)) != std::string::npos;)
                text.erase(at, part.value.size());
    text = std::regex_replace(text, std::regex("'[^']*'"), "");
    text = std::regex_replace(text, std::regex("使用范围（[^）]*）"), "");
    std::smatch match;
    if (std::regex_search(text, match, std::regex("[A-Za-z]{3,}[ ,;:]+[A-Za-z]{3,}")))
        return match.str();
    return {};
}

std::string errorOf(const std::function<void()>& action, Language language)
{
    try {
        action();
    } catch (const Error& error) {
        return formatError(error, language);
    }
    return "(no exception)";
}

} // namespace

TEST(IssueMessagesTest, TheEnglishIsTheTemplateFilledFromTheParts)
{
    const Message said = message("invalid_plot", "invalid plot ({reason})",
                                 {{"reason", "Self-intersection[500010 3300020]"}});
    EXPECT_EQ(said.english, "invalid plot (Self-intersection[500010 3300020])");
    EXPECT_EQ(said.id, "invalid_plot");
    // A {name} no part has is kept as written; a part's braces are not read as a template.
    EXPECT_EQ(message("x", "a {missing} b").english, "a {missing} b");
    EXPECT_EQ(message("x", "<{v}>", {{"v", "{v}"}}).english, "<{v}>");
    EXPECT_EQ(fillTemplate("{a}-{b}", {{"a", "1"}}), std::nullopt);

    // The ballpark warning reads as it always has (ballparkSource parses it).
    const Crs xian = Crs::fromEpsg(2383);
    const Crs cgcs = Crs::fromEpsg(4547);
    EXPECT_EQ(ballparkWarning(xian, cgcs),
              "transformed from " + xian.name() + " (" + xian.label() + ", datum " +
                  xian.datumName() + ") to " + cgcs.name() + " (" + cgcs.label() + ", datum " +
                  cgcs.datumName() +
                  ") by a ballpark operation: PROJ has no published shift between the two "
                  "datums, so positions may be off by tens of metres (overlaps, distances and "
                  "areas against the other layers are approximate); give the layer in the "
                  "working CRS for survey accuracy");
}

TEST(IssueMessagesTest, ChineseFillsTheCataloguesTemplateAndSaysKnownPhrases)
{
    const Issue issue =
        withMessage({Issue::Severity::Warning, "a.shp", "parcels", 103},
                    message("invalid_plot", "invalid plot ({reason})",
                            {{"reason", "Self-intersection[500010 3300020]"}}));
    EXPECT_EQ(formatIssue(issue),
              "warning: file 'a.shp', layer 'parcels', feature 103: invalid plot "
              "(Self-intersection[500010 3300020])");
    EXPECT_EQ(formatIssue(issue, Language::English), formatIssue(issue));
    EXPECT_EQ(formatIssue(issue, Language::Chinese),
              "警告：文件 'a.shp'，图层 'parcels'，要素 103：宗地图形无效（自相交[500010 3300020]）");

    // Without an id, or with an id the catalogue lacks: the English, never nothing.
    Issue plain{Issue::Severity::Note, "b.shp", {}, -1, "something new"};
    EXPECT_EQ(issueMessage(plain, Language::Chinese), "something new");
    plain.setMessage(message("no_such_message", "something {what}", {{"what", "newer"}}));
    EXPECT_EQ(issueMessage(plain, Language::Chinese), "something newer");

    // A message inside a message (a layer left out for an error of its own).
    const CrsError inner(message("no_crs", "the layer has no coordinate system ({why}). Give one "
                                           "with --s-srs",
                                 {{"why", "no .prj"}}),
                         {"c.shp", "roads", -1, {}});
    const Issue outer = withMessage(
        {Issue::Severity::Error, "c.shp", "roads", -1},
        message("layer_left_out", "{error} (the {role} layer is left out)",
                withNested({{"role", "roads"}}, "error", inner.message(), inner.messageId(),
                           inner.messageParts())));
    EXPECT_EQ(outer.message, "the layer has no coordinate system (no .prj). Give one with "
                             "--s-srs (the roads layer is left out)");
    EXPECT_EQ(issueMessage(outer, Language::Chinese),
              "该图层没有坐标系（没有 .prj 文件）。请用 --s-srs 指定（道路工程图层已略去）");
    EXPECT_EQ(formatError(inner, Language::Chinese),
              "文件 'c.shp'，图层 'roads'：该图层没有坐标系（没有 .prj 文件）。请用 --s-srs 指定");
    EXPECT_EQ(formatError(inner, Language::English), inner.what());
}

TEST(IssueMessagesTest, RealFilesWarnAndFailInChineseAndKeepTheirEnglish)
{
    std::vector<Issue> met;
    {
        // Corrupt records (GDAL's and the direct reader's), no .prj.
        IssueList issues;
        ReadOptions options;
        options.requireCrs = false;
        readLayer({kShp + "buggymultipoly.shp", ""}, options, issues);
        ASSERT_GE(issues.count(Issue::Severity::Error), 1u);
        for (const Issue& issue : issues.issues())
            met.push_back(issue);
    }
    {
        // A ballpark transform (the sample's protected areas are in Xi'an 1980).
        IssueList issues;
        ReadOptions options;
        options.targetCrs = Crs::fromEpsg(4547);
        readLayer({kSampleShp + "protected.shp", ""}, options, issues);
        bool ballpark = false;
        for (const Issue& issue : issues.issues()) {
            met.push_back(issue);
            if (issue.kind == Issue::Kind::BallparkTransform) {
                ballpark = true;
                EXPECT_NE(issueMessage(issue, Language::Chinese).find("近似转换"),
                          std::string::npos);
                EXPECT_EQ(ballparkSource(issue).rfind("Xian 1980", 0), 0u) << issue.message;
            }
        }
        EXPECT_TRUE(ballpark);
    }
    {
        // Coordinates outside the declared CRS's area of use.
        IssueList issues;
        readLayer({kRealdata + "/china/arcgis-engine-practice/townshp.shp", ""}, {}, issues);
        for (const Issue& issue : issues.issues())
            met.push_back(issue);
        ASSERT_FALSE(met.empty());
    }
    ASSERT_GE(met.size(), 3u);
    for (const Issue& issue : met) {
        EXPECT_FALSE(issue.messageId.empty()) << issue.message;
        const std::string chinese = formatIssue(issue, Language::Chinese);
        EXPECT_TRUE(hasHan(issueMessage(issue, Language::Chinese))) << chinese;
        EXPECT_EQ(englishProse(chinese, issue.messageParts), "") << chinese;
        // The English (and what JSON says) is the message as made.
        EXPECT_EQ(issueMessage(issue, Language::English), issue.message);
    }

    // Errors: no coordinate system, a file that is not there.
    ReadOptions strict;
    strict.requireCrs = true;
    const std::string noCrs = errorOf(
        [&] {
            IssueList issues;
            readLayer({kShp + "buggymultipoly.shp", ""}, strict, issues);
        },
        Language::Chinese);
    EXPECT_NE(noCrs.find("图层 'buggymultipoly'：该图层没有坐标系（没有 .prj 文件）"),
              std::string::npos)
        << noCrs;
    EXPECT_EQ(englishProse(noCrs), "") << noCrs;
    const std::string missing = errorOf(
        [&] {
            IssueList issues;
            readLayer({kShp + "nowhere.shp", ""}, {}, issues);
        },
        Language::Chinese);
    EXPECT_NE(missing.find("无法打开：文件或文件夹不存在"), std::string::npos) << missing;
    const std::string missingEnglish = errorOf(
        [&] {
            IssueList issues;
            readLayer({kShp + "nowhere.shp", ""}, {}, issues);
        },
        Language::English);
    EXPECT_NE(missingEnglish.find("nowhere.shp': no such file or folder"), std::string::npos)
        << missingEnglish;
}
