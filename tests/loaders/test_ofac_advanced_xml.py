"""SDN_ADVANCED.XML loader: the real cut-down sample, and a document in the full real layout."""

from __future__ import annotations

from pathlib import Path

import pytest

from clearance.loaders.ofac_advanced_xml import load_ofac_sdn_advanced_xml
from clearance.model import (
    Country,
    CountryRole,
    IdentifierType,
    NameDerivation,
    NameKind,
    PartialDate,
)

T = IdentifierType


@pytest.fixture(scope="module")
def sample(lists_dir: Path):
    return load_ofac_sdn_advanced_xml(
        lists_dir / "ofac_sdn" / "format-samples" / "sample_sdn_advanced.xml"
    )


def test_sample_parties_and_publication_date(sample) -> None:
    assert sample.list_id == "ofac-sdn"
    assert sample.published == "2026-03-23"
    assert [e.id for e in sample.entities] == [
        "ofac-sdn:39498",
        "ofac-sdn:42001",
        "ofac-sdn:50001",
        "ofac-sdn:60001",
        "ofac-sdn:70001",
        "ofac-sdn:80001",
    ]
    lazarus = sample.entities[0]
    assert lazarus.caption == "LAZARUS GROUP"
    assert lazarus.refs == ["ofac:39498"]
    assert lazarus.listing.programs == ("CYBER2", "DPRK3")
    assert lazarus.listing.listed_on == "2022-04-14"
    assert lazarus.schema == "Organization"  # the sample carries no party types
    assert sample.stats["party_type_unknown"] == 6


def test_sample_digital_currency_addresses(sample) -> None:
    crypto = {
        e.source_id: [(i.currency, i.value) for i in e.identifiers if i.type is T.CRYPTO]
        for e in sample.entities
    }
    assert crypto["39498"] == [
        ("ETH", "0x7F367cC41522cE07553e823bf3be79A889DEbe1B"),
        ("ETH", "0xd882cFc20F52f2599D84b8e8D58C7FB62cfE344b"),
        ("XBT", "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh"),
    ]
    # One address under two tickers stays two identifiers.
    assert ("ETH", "0xd882cFc20F52f2599D84b8e8D58C7FB62cfE344b") in crypto["42001"]
    assert ("USDT", "0xd882cFc20F52f2599D84b8e8D58C7FB62cfE344b") in crypto["42001"]
    assert [c for c, _ in crypto["50001"]] == ["XMR", "LTC", "DASH", "ZEC", "XRP"]
    assert crypto["60001"] == [("NEWTICKER", "someunknownaddressformat12345")]
    assert crypto["80001"][0][0] == "SOL"
    assert sum(len(v) for v in crypto.values()) == sample.stats["fact.id.crypto_address"] == 15


NS = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ADVANCED_XML"

# The layout of OFAC's full SDN_ADVANCED.XML (reference tables, locations, documents,
# relationships, dated sanctions entries), cut to three parties.
FULL_LAYOUT = f"""<?xml version="1.0" encoding="utf-8"?>
<Sanctions xmlns="{NS}">
  <DateOfIssue>
    <Year>2024</Year>
    <Month>5</Month>
    <Day>3</Day>
  </DateOfIssue>
  <ReferenceValueSets>
    <AliasTypeValues>
      <AliasType ID="1400">A.K.A.</AliasType>
      <AliasType ID="1401">F.K.A.</AliasType>
      <AliasType ID="1403">Name</AliasType>
    </AliasTypeValues>
    <CountryValues>
      <Country ID="11127" ISO2="IR">Iran</Country>
      <Country ID="11171" ISO2="RU">Russia</Country>
    </CountryValues>
    <DetailReferenceValues>
      <DetailReference ID="91526">Male</DetailReference>
    </DetailReferenceValues>
    <FeatureTypeValues>
      <FeatureType ID="8">Birthdate</FeatureType>
      <FeatureType ID="9">Place of Birth</FeatureType>
      <FeatureType ID="10">Nationality Country</FeatureType>
      <FeatureType ID="25">Location</FeatureType>
      <FeatureType ID="224">Gender</FeatureType>
      <FeatureType ID="3">Vessel Call Sign</FeatureType>
      <FeatureType ID="4">Vessel Flag</FeatureType>
      <FeatureType ID="806">ISIN</FeatureType>
    </FeatureTypeValues>
    <IDRegDocTypeValues>
      <IDRegDocType ID="1571">Passport</IDRegDocType>
      <IDRegDocType ID="1626">Vessel Registration Identification</IDRegDocType>
      <IDRegDocType ID="91761">Registration Number</IDRegDocType>
      <IDRegDocType ID="99999">Brand New Document</IDRegDocType>
    </IDRegDocTypeValues>
    <LegalBasisValues>
      <LegalBasis ID="1">Executive Order 13224 (Terrorism)</LegalBasis>
    </LegalBasisValues>
    <ListValues>
      <List ID="1550">SDN List</List>
    </ListValues>
    <LocPartTypeValues>
      <LocPartType ID="1451">ADDRESS1</LocPartType>
      <LocPartType ID="1454">CITY</LocPartType>
    </LocPartTypeValues>
    <NamePartTypeValues>
      <NamePartType ID="1520">Last Name</NamePartType>
      <NamePartType ID="1521">First Name</NamePartType>
      <NamePartType ID="1525">Entity Name</NamePartType>
      <NamePartType ID="1526">Vessel Name</NamePartType>
    </NamePartTypeValues>
    <PartySubTypeValues>
      <PartySubType ID="1" PartyTypeID="4">Vessel</PartySubType>
      <PartySubType ID="3" PartyTypeID="2">Unknown</PartySubType>
      <PartySubType ID="4" PartyTypeID="1">Unknown</PartySubType>
    </PartySubTypeValues>
    <PartyTypeValues>
      <PartyType ID="1">Individual</PartyType>
      <PartyType ID="2">Entity</PartyType>
    </PartyTypeValues>
    <RelationTypeValues>
      <RelationType ID="15003">Owned or Controlled By</RelationType>
    </RelationTypeValues>
    <SanctionsTypeValues>
      <SanctionsType ID="1">Program</SanctionsType>
      <SanctionsType ID="1705">Block</SanctionsType>
    </SanctionsTypeValues>
    <ScriptValues>
      <Script ID="215" ScriptCode="Latn">Latin</Script>
      <Script ID="160" ScriptCode="Arab">Arabic</Script>
    </ScriptValues>
  </ReferenceValueSets>
  <Locations>
    <Location ID="100">
      <LocationCountry CountryID="11127"/>
    </Location>
    <Location ID="101">
      <LocationPart LocPartTypeID="1454">
        <LocationPartValue>
          <Value>Tehran</Value>
        </LocationPartValue>
      </LocationPart>
      <LocationCountry CountryID="11127"/>
    </Location>
    <Location ID="102">
      <LocationPart LocPartTypeID="1451">
        <LocationPartValue>
          <Value>Valiasr St 12</Value>
        </LocationPartValue>
      </LocationPart>
      <LocationPart LocPartTypeID="1454">
        <LocationPartValue>
          <Value>Tehran</Value>
        </LocationPartValue>
      </LocationPart>
      <LocationCountry CountryID="11127"/>
    </Location>
  </Locations>
  <IDRegDocuments>
    <IDRegDocument ID="1" IDRegDocTypeID="1571" IdentityID="501" IssuedBy-CountryID="11127">
      <IDRegistrationNo>A1234567</IDRegistrationNo>
    </IDRegDocument>
    <IDRegDocument ID="2" IDRegDocTypeID="91761" IdentityID="502" IssuedBy-CountryID="11171">
      <IDRegistrationNo>1027700132195</IDRegistrationNo>
    </IDRegDocument>
    <IDRegDocument ID="3" IDRegDocTypeID="99999" IdentityID="502">
      <IDRegistrationNo>NEW-1</IDRegistrationNo>
    </IDRegDocument>
    <IDRegDocument ID="4" IDRegDocTypeID="1626" IdentityID="503">
      <IDRegistrationNo>IMO 9187629</IDRegistrationNo>
    </IDRegDocument>
  </IDRegDocuments>
  <DistinctParties>
    <DistinctParty FixedRef="7001">
      <Profile ID="7001" PartySubTypeID="4">
        <Identity ID="501" FixedRef="7001" Primary="true">
          <Alias FixedRef="7001" AliasTypeID="1403" Primary="true" LowQuality="false">
            <DocumentedName ID="1">
              <DocumentedNamePart>
                <NamePartValue NamePartGroupID="11" ScriptID="215">HOSSEINI</NamePartValue>
              </DocumentedNamePart>
              <DocumentedNamePart>
                <NamePartValue NamePartGroupID="12" ScriptID="215">Ali Reza</NamePartValue>
              </DocumentedNamePart>
            </DocumentedName>
            <DocumentedName ID="2">
              <DocumentedNamePart>
                <NamePartValue NamePartGroupID="13" ScriptID="160">علی رضا حسینی</NamePartValue>
              </DocumentedNamePart>
            </DocumentedName>
          </Alias>
          <Alias FixedRef="7001" AliasTypeID="1400" Primary="false" LowQuality="true">
            <DocumentedName ID="3">
              <DocumentedNamePart>
                <NamePartValue NamePartGroupID="14" ScriptID="215">Abu Ali</NamePartValue>
              </DocumentedNamePart>
            </DocumentedName>
          </Alias>
          <NamePartGroups>
            <MasterNamePartGroup>
              <NamePartGroup ID="11" NamePartTypeID="1520"/>
            </MasterNamePartGroup>
            <MasterNamePartGroup>
              <NamePartGroup ID="12" NamePartTypeID="1521"/>
            </MasterNamePartGroup>
          </NamePartGroups>
        </Identity>
        <Feature ID="1" FeatureTypeID="8">
          <FeatureVersion ID="1">
            <DatePeriod>
              <Start Approximate="false">
                <From>
                  <Year>1960</Year>
                  <Month>1</Month>
                  <Day>1</Day>
                </From>
                <To>
                  <Year>1960</Year>
                  <Month>1</Month>
                  <Day>1</Day>
                </To>
              </Start>
              <End Approximate="false">
                <From>
                  <Year>1960</Year>
                  <Month>12</Month>
                  <Day>31</Day>
                </From>
                <To>
                  <Year>1960</Year>
                  <Month>12</Month>
                  <Day>31</Day>
                </To>
              </End>
            </DatePeriod>
          </FeatureVersion>
        </Feature>
        <Feature ID="2" FeatureTypeID="8">
          <FeatureVersion ID="2">
            <DatePeriod>
              <Start Approximate="true">
                <From>
                  <Year>1958</Year>
                  <Month>1</Month>
                  <Day>1</Day>
                </From>
                <To>
                  <Year>1958</Year>
                  <Month>1</Month>
                  <Day>1</Day>
                </To>
              </Start>
              <End Approximate="true">
                <From>
                  <Year>1962</Year>
                  <Month>12</Month>
                  <Day>31</Day>
                </From>
                <To>
                  <Year>1962</Year>
                  <Month>12</Month>
                  <Day>31</Day>
                </To>
              </End>
            </DatePeriod>
          </FeatureVersion>
        </Feature>
        <Feature ID="3" FeatureTypeID="8">
          <FeatureVersion ID="3">
            <DatePeriod>
              <Start>
                <From>
                  <Year>1961</Year>
                  <Month>5</Month>
                  <Day>14</Day>
                </From>
                <To>
                  <Year>1961</Year>
                  <Month>5</Month>
                  <Day>14</Day>
                </To>
              </Start>
              <End>
                <From>
                  <Year>1961</Year>
                  <Month>5</Month>
                  <Day>14</Day>
                </From>
                <To>
                  <Year>1961</Year>
                  <Month>5</Month>
                  <Day>14</Day>
                </To>
              </End>
            </DatePeriod>
          </FeatureVersion>
        </Feature>
        <Feature ID="4" FeatureTypeID="9">
          <FeatureVersion ID="4">
            <VersionLocation LocationID="101"/>
          </FeatureVersion>
        </Feature>
        <Feature ID="5" FeatureTypeID="10">
          <FeatureVersion ID="5">
            <VersionLocation LocationID="100"/>
          </FeatureVersion>
        </Feature>
        <Feature ID="6" FeatureTypeID="224">
          <FeatureVersion ID="6">
            <VersionDetail DetailTypeID="1431" DetailReferenceID="91526"/>
          </FeatureVersion>
        </Feature>
        <Feature ID="7" FeatureTypeID="25">
          <FeatureVersion ID="7">
            <VersionLocation LocationID="102"/>
          </FeatureVersion>
        </Feature>
      </Profile>
    </DistinctParty>
    <DistinctParty FixedRef="7002">
      <Profile ID="7002" PartySubTypeID="3">
        <Identity ID="502" FixedRef="7002" Primary="true">
          <Alias FixedRef="7002" AliasTypeID="1403" Primary="true" LowQuality="false">
            <DocumentedName ID="4">
              <DocumentedNamePart>
                <NamePartValue NamePartGroupID="21">SHIPPING HOLDING LLC</NamePartValue>
              </DocumentedNamePart>
            </DocumentedName>
          </Alias>
          <Alias FixedRef="7002" AliasTypeID="1401" Primary="false" LowQuality="false">
            <DocumentedName ID="5">
              <DocumentedNamePart>
                <NamePartValue NamePartGroupID="22">OLD SHIPPING LLC</NamePartValue>
              </DocumentedNamePart>
            </DocumentedName>
          </Alias>
          <NamePartGroups>
            <MasterNamePartGroup>
              <NamePartGroup ID="21" NamePartTypeID="1525"/>
            </MasterNamePartGroup>
          </NamePartGroups>
        </Identity>
        <Feature ID="8" FeatureTypeID="806">
          <FeatureVersion ID="8">
            <VersionDetail DetailTypeID="1432">RU000A0JP5V6</VersionDetail>
          </FeatureVersion>
        </Feature>
      </Profile>
    </DistinctParty>
    <DistinctParty FixedRef="7003">
      <Profile ID="7003" PartySubTypeID="1">
        <Identity ID="503" FixedRef="7003" Primary="true">
          <Alias FixedRef="7003" AliasTypeID="1403" Primary="true" LowQuality="false">
            <DocumentedName ID="6">
              <DocumentedNamePart>
                <NamePartValue NamePartGroupID="31">SEA STAR</NamePartValue>
              </DocumentedNamePart>
            </DocumentedName>
          </Alias>
        </Identity>
        <Feature ID="9" FeatureTypeID="3">
          <FeatureVersion ID="9">
            <VersionDetail DetailTypeID="1432">9HA1234</VersionDetail>
          </FeatureVersion>
        </Feature>
        <Feature ID="10" FeatureTypeID="4">
          <FeatureVersion ID="10">
            <VersionLocation LocationID="100"/>
          </FeatureVersion>
        </Feature>
      </Profile>
    </DistinctParty>
  </DistinctParties>
  <ProfileRelationships>
    <ProfileRelationship ID="1" From-ProfileID="7003" To-ProfileID="7002" RelationTypeID="15003"/>
    <ProfileRelationship ID="2" From-ProfileID="7003" To-ProfileID="99" RelationTypeID="15003"/>
  </ProfileRelationships>
  <SanctionsEntries>
    <SanctionsEntry ID="1" ProfileID="7001" ListID="1550">
      <EntryEvent ID="1" EntryEventTypeID="1" LegalBasisID="1">
        <Date CalendarTypeID="1">
          <Year>2019</Year>
          <Month>6</Month>
          <Day>24</Day>
        </Date>
      </EntryEvent>
      <SanctionsMeasure ID="1" SanctionsTypeID="1705">
        <Comment/>
      </SanctionsMeasure>
      <SanctionsMeasure ID="2" SanctionsTypeID="1">
        <Comment>SDGT</Comment>
      </SanctionsMeasure>
      <SanctionsMeasure ID="3" SanctionsTypeID="1">
        <Comment>IRGC</Comment>
      </SanctionsMeasure>
    </SanctionsEntry>
  </SanctionsEntries>
</Sanctions>
"""


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("advanced") / "SDN_ADVANCED.XML"
    path.write_text(FULL_LAYOUT, encoding="utf-8")
    return load_ofac_sdn_advanced_xml(path)


def test_full_layout_person(full) -> None:
    assert full.published == "2024-05-03"
    person = {e.source_id: e for e in full.entities}["7001"]
    assert person.schema == "Person"
    primary = person.names[0]
    assert (primary.value, primary.last_name, primary.first_name) == (
        "HOSSEINI, Ali Reza",
        "HOSSEINI",
        "Ali Reza",
    )
    arabic = next(n for n in person.names if n.script == "Arab")
    assert arabic.kind is NameKind.ALIAS and arabic.value == "علی رضا حسینی"
    assert ("Abu Ali", NameKind.WEAK) in [(n.value, n.kind) for n in person.names]
    assert person.birth_dates == [
        PartialDate("1960"),
        PartialDate("1958", circa=True, end="1962"),
        PartialDate("1961-05-14"),
    ]
    assert person.birth_places == ["Tehran, Iran"]
    assert Country("IR", CountryRole.NATIONALITY) in person.countries
    assert Country("IR", CountryRole.BIRTH) in person.countries
    assert person.gender == "male"
    assert [(i.type, i.value, i.country) for i in person.identifiers] == [
        (T.PASSPORT, "A1234567", "IR")
    ]
    assert person.addresses[0].full == "Valiasr St 12, Tehran, Iran"
    assert person.addresses[0].country == "IR"
    assert person.listing.programs == ("SDGT", "IRGC")
    assert person.listing.listed_on == "2019-06-24"
    assert person.listing.legal_basis == ("Executive Order 13224 (Terrorism)",)


def test_full_layout_company_vessel_and_relations(full) -> None:
    entities = {e.source_id: e for e in full.entities}
    company = entities["7002"]
    assert company.schema == "Company"  # an ISIN and a register number make it a company
    assert ("OLD SHIPPING LLC", NameKind.FORMER) in [(n.value, n.kind) for n in company.names]
    assert company.identifier_values(T.ISIN) == ["RU000A0JP5V6"]
    assert company.identifier_values(T.REGISTRATION) == ["1027700132195"]
    assert [(i.value, i.note) for i in company.identifiers if i.type is T.OTHER] == [
        ("NEW-1", "Brand New Document")
    ]
    vessel = entities["7003"]
    assert vessel.schema == "Vessel"
    assert vessel.identifier_values(T.CALL_SIGN) == ["9HA1234"]
    assert vessel.identifier_values(T.IMO) == ["9187629"]
    assert Country("IR", CountryRole.FLAG) in vessel.countries
    assert [(r.kind, r.target_name, r.target_id) for r in vessel.relations] == [
        ("owned_by", "SHIPPING HOLDING LLC", "ofac-sdn:7002")
    ]
    assert full.stats["relationship_dangling"] == 1


def test_packed_names_are_split(lists_dir: Path, tmp_path: Path) -> None:
    # The sample's names pack none; SDN_ADVANCED.XML writes "NAME (OTHER NAME)" as SDN.CSV does.
    text = (lists_dir / "ofac_sdn" / "format-samples" / "sample_sdn_advanced.xml").read_text()
    path = tmp_path / "SDN_ADVANCED.XML"
    path.write_text(text.replace(">LAZARUS GROUP<", ">LAZARUS GROUP (HIDDEN COBRA)<"))
    names = {n.value: n for e in load_ofac_sdn_advanced_xml(path).entities for n in e.names}
    assert names["HIDDEN COBRA"].derived is NameDerivation.ALTERNATIVE
    assert names["LAZARUS GROUP"].derived is NameDerivation.WITHOUT_PARENTHESES
    assert names["LAZARUS GROUP"].kind is NameKind.PRIMARY
