from twofront.enterprise.views import checkins, commissioners, declarations, employees, enterprises, supplies

urlpatterns = (enterprises.urlpatterns + declarations.urlpatterns + employees.urlpatterns + checkins.urlpatterns
               + supplies.urlpatterns + commissioners.urlpatterns)
