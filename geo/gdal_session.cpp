#include "geo/gdal_session.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal.h>

#include <mutex>

namespace parkatlas::geo {

void ensureGdal()
{
    static std::once_flag once;
    std::call_once(once, [] {
        // Never let a reader "repair" a user's file in place (GDAL writes a .shx when asked to
        // restore one): inputs are read-only.
        CPLSetConfigOption("SHAPE_RESTORE_SHX", "NO");
        // Decoding is decided per file by ParkAtlas (see io/encoding.h), not by a global guess.
        GDALAllRegister();
    });
}

namespace {
thread_local GdalErrorCapture* t_current = nullptr;
}

GdalErrorCapture::GdalErrorCapture()
{
    CPLPushErrorHandlerEx(
        [](CPLErr errorClass, CPLErrorNum errorNumber, const char* message) {
            handler(static_cast<int>(errorClass), errorNumber, message);
        },
        this);
    t_current = this;
}

GdalErrorCapture::~GdalErrorCapture()
{
    CPLPopErrorHandler();
    t_current = nullptr;
}

void GdalErrorCapture::handler(int errorClass, int, const char* message)
{
    auto* self = static_cast<GdalErrorCapture*>(CPLGetErrorHandlerUserData());
    if (!self)
        self = t_current;
    if (!self || errorClass < CE_Warning)
        return;
    self->m_messages.push_back({errorClass >= CE_Failure, message ? message : ""});
}

std::vector<GdalErrorCapture::Message> GdalErrorCapture::take()
{
    std::vector<Message> taken;
    taken.swap(m_messages);
    return taken;
}

std::string GdalErrorCapture::lastFailure() const
{
    for (auto it = m_messages.rbegin(); it != m_messages.rend(); ++it)
        if (it->failure)
            return it->text;
    return {};
}

} // namespace parkatlas::geo
