"""The annual joint Civil Affairs and Force assessment: its questionnaire, the answers of CLAs
and Force officers, and the analytical report compiled from them, as a page and in the API
(questionnaire, selectors, services, forms, views, api)."""
