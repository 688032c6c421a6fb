#include "geo/gdal_session.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <filesystem>
#include <mutex>

namespace parkatlas::geo {

namespace {

void setOptions()
{
    static std::once_flag once;
    std::call_once(once, [] {
        // Never let a reader "repair" a user's file in place (GDAL writes a .shx when asked to
        // restore one): inputs are read-only.
        CPLSetConfigOption("SHAPE_RESTORE_SHX", "NO");
    });
}

std::once_flag g_allRegistered;
std::atomic<bool> g_all{false};

} // namespace

void ensureGdal()
{
    std::call_once(g_allRegistered, [] {
        setOptions();
        // Decoding is decided per file by ParkAtlas (see io/encoding.h), not by a global guess.
        GDALAllRegister();
        g_all = true;
    });
}

void ensureGdalFor(const std::string& source)
{
    if (g_all)
        return;
    std::string extension = std::filesystem::path(source).extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::error_code error;
    if ((extension == ".shp" || extension == ".dbf") &&
        std::filesystem::is_regular_file(source, error)) {
        static std::once_flag shapefiles;
        std::call_once(shapefiles, [] {
            setOptions();
            RegisterOGRShape(); // does nothing when GDALAllRegister has registered it
        });
        return;
    }
    ensureGdal();
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
