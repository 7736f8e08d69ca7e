from twofront.prevention.views import checkpoints, compounds, quarantine, screening, testing, venues

urlpatterns = [*checkpoints.urlpatterns, *compounds.urlpatterns, *screening.urlpatterns, *testing.urlpatterns,
               *quarantine.urlpatterns, *venues.urlpatterns]
