#include "geo/io/json_writer.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

using namespace parkatlas::geo;

TEST(JsonWriterTest, AVectorIsWrittenAsAnArrayOfItsItemsAsEachWouldBe)
{
    std::ostringstream out;
    {
        JsonWriter json(out, false);
        json.beginObject();
        json.field("notes", std::vector<std::string>{"第一", "a \"quoted\" note"});
        json.field("rows", std::vector<int>{3, 7});
        json.field("fids", std::vector<std::int64_t>{9007199254740993});
        json.field("none", std::vector<std::string>{});
        json.endObject();
    }
    EXPECT_EQ(out.str(), R"({"notes":["第一","a \"quoted\" note"],"rows":[3,7],)"
                         R"("fids":[9007199254740993],"none":[]})");
}

TEST(JsonWriterTest, APrettyDocumentEndsWithOneNewline)
{
    std::ostringstream out;
    {
        JsonWriter json(out);
        json.beginObject().field("notes", std::vector<std::string>{"x"}).endObject();
    }
    EXPECT_EQ(out.str(), "{\n  \"notes\": [\n    \"x\"\n  ]\n}\n");
}
