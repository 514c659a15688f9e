"""Monitoring and evaluation of CLAs: what each CLA and each location did over a period, as a
page with CSV downloads and in the API (selectors, forms, views, api)."""
