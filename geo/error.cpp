#include "geo/error.h"

namespace parkatlas::geo {

std::string describeContext(const ErrorContext& context)
{
    std::string text;
    auto append = [&text](const std::string& part) {
        if (!text.empty())
            text += ", ";
        text += part;
    };
    if (!context.path.empty())
        append("file '" + context.path + "'");
    if (!context.layer.empty())
        append("layer '" + context.layer + "'");
    if (context.fid >= 0)
        append("feature " + std::to_string(context.fid));
    if (!context.field.empty())
        append("field '" + context.field + "'");
    return text;
}

namespace {
std::string composeWhat(const std::string& message, const ErrorContext& context)
{
    const std::string where = describeContext(context);
    return where.empty() ? message : where + ": " + message;
}
} // namespace

Error::Error(std::string message, ErrorContext context)
    : std::runtime_error(composeWhat(message, context)), m_message(std::move(message)),
      m_context(std::move(context))
{
}

Error::Error(Message said, ErrorContext context)
    : Error(std::move(said.english), std::move(context))
{
    m_messageId = std::move(said.id);
    m_messageParts = std::move(said.parts);
}

} // namespace parkatlas::geo
