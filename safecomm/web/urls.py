from django.urls import path

from . import admin, static
from .accounts import views as accounts
from .audit import views as audit
from .evidence import views as evidence
from .papers import views as papers
from .review import urls as review

urlpatterns = [
    path("", accounts.home, name="home"),
    path("login/", accounts.login_view, name="login"),
    path("logout/", accounts.logout_view, name="logout"),
    path("healthz", papers.health, name="health"),
    path("my/", evidence.my_community, name="my_community"),
    path("communities/", evidence.communities, name="communities"),
    path("c/<int:pk>/", evidence.community, name="community"),
    path("c/<int:pk>/upload", evidence.upload, name="upload"),
    path("c/<int:pk>/台账.xlsx", evidence.empty_ledger, name="empty_ledger"),
    path("v/<int:pk>/", evidence.result, name="result"),
    path("v/<int:pk>/submit", evidence.submit, name="submit"),
    path("v/<int:pk>/original", evidence.original, name="original"),
    path("v/<int:pk>/ledger", evidence.as_ledger, name="as_ledger"),
    path("v/<int:pk>/papers/", papers.materials, name="materials"),
    path("v/<int:pk>/papers/preview", papers.preview, name="preview"),
    path("v/<int:pk>/papers/<str:kind>", papers.paper, name="paper"),
    path("jobs/<int:pk>/", papers.job, name="job"),
    path("jobs/<int:pk>/zip", papers.district_zip, name="district_zip"),
    path("review/papers", papers.district_papers, name="district_papers"),
    path("audit/", audit.log, name="audit"),
    *review.urlpatterns,  # flat, so that every page is in the one list the scope tests walk
    path("admin/", admin.site.urls),
    path("static/<path:path>", static.serve, name="static"),
]

handler400 = "safecomm.web.errors.bad_request"
handler403 = "safecomm.web.errors.permission_denied"
handler404 = "safecomm.web.errors.not_found"
handler500 = "safecomm.web.errors.server_error"
