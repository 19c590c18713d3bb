<?xml version="1.0" encoding="utf-8"?>
<!--
  Makes ObsScaling.types.ps1xml from ObsScaling.format.ps1xml at build time, so the table views are the one source of
  each output type's columns. A type's default display set is its table view's property columns in view order; a
  script-block column names no single property and is left out. Hosts and commands that read
  DefaultDisplayPropertySet rather than the views (Format-List without a list view, hosts without the formatting
  cmdlets) then show the same columns the table does.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="xml" indent="yes" encoding="utf-8" />
  <xsl:template match="/">
    <xsl:comment> Generated from ObsScaling.format.ps1xml by DisplayPropertySets.xslt at build time: edit the table views, not this file. </xsl:comment>
    <Types>
      <xsl:for-each select="Configuration/ViewDefinitions/View[TableControl]">
        <Type>
          <Name><xsl:value-of select="normalize-space(ViewSelectedBy/TypeName)" /></Name>
          <Members>
            <MemberSet>
              <Name>PSStandardMembers</Name>
              <Members>
                <PropertySet>
                  <Name>DefaultDisplayPropertySet</Name>
                  <ReferencedProperties>
                    <xsl:for-each select="TableControl/TableRowEntries/TableRowEntry[1]/TableColumnItems/TableColumnItem[PropertyName]">
                      <Name><xsl:value-of select="normalize-space(PropertyName)" /></Name>
                    </xsl:for-each>
                  </ReferencedProperties>
                </PropertySet>
              </Members>
            </MemberSet>
          </Members>
        </Type>
      </xsl:for-each>
    </Types>
  </xsl:template>
</xsl:stylesheet>
