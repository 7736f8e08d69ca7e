from twofront.command.views import (
               briefings,
               dashboard,
               duty,
               groups,
               incidents,
               meetings,
               reports,
               supervision,
)

urlpatterns = [*groups.urlpatterns, *duty.urlpatterns, *meetings.urlpatterns, *supervision.urlpatterns,
               *reports.urlpatterns, *incidents.urlpatterns, *dashboard.urlpatterns, *briefings.urlpatterns]
