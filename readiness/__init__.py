"""Kesiapan Linmas: readiness of Satlinmas officers to guard the polling stations of a Pilkada.

Glossary of the domain words kept in Indonesian in the code:

- apel: the roll call of linmas the governor holds before voting day.
- bimtek / pelatihan: technical training (voting procedure, crowd handling, communication).
- BPJS (Ketenagakerjaan): the workers' social-security scheme linmas are enrolled in; KPJ is
  the membership number.
- desa / kelurahan: rural / urban village, the unit that recruits linmas and sends the roster.
- kabupaten / kota: regency / city; kecamatan: district; together with the province they form
  the Kemendagri region codes PP.KK.CC.DDDD (Kepmendagri 300.2.2-2138/2025).
- linmas (Satlinmas): community protection officers, two per TPS on voting day.
- NIK: the 16-digit national identity number (UU 24/2013), personal data under UU 27/2022.
- rawan: a TPS prone to trouble (Bawaslu mapping).
- TPS: polling station. WIB: UTC+7, Bengkulu's time zone.
"""
